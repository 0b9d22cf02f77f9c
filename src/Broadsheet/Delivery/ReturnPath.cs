using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Broadsheet.Privacy;
using MimeKit;

namespace Broadsheet.Delivery;

/// <summary>
/// The per-delivery envelope sender (VERP): <c>bounces+d123-1a2b3c4d@example.org</c> names delivery 123, and the
/// keyed tag after it stops anyone who guesses the pattern from forging bounces that would suppress our readers.
/// It carries no address, so a bounce can be matched without the database holding anything readable.
/// </summary>
public sealed class ReturnPath(PrivacyKeys keys)
{
    private const int TagBytes = 4;

    public MailboxAddress For(long deliveryId, string bounceAddress)
    {
        var (local, domain) = Split(bounceAddress);
        return new MailboxAddress(string.Empty, $"{local}+d{deliveryId.ToString(CultureInfo.InvariantCulture)}-{Tag(deliveryId)}@{domain}");
    }

    /// <summary>The delivery a VERP address names, if the address is ours and its tag is right.</summary>
    public bool TryParse(string? address, out long deliveryId)
    {
        deliveryId = 0;
        if (string.IsNullOrEmpty(address))
        {
            return false;
        }

        var at = address.LastIndexOf('@');
        var local = at < 0 ? address : address[..at];
        var plus = local.LastIndexOf("+d", StringComparison.Ordinal);
        var dash = local.LastIndexOf('-');
        if (plus < 0 || dash < plus + 3
            || !long.TryParse(local.AsSpan(plus + 2, dash - plus - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return false;
        }

        // Constant-time, so the tag cannot be found a character at a time by timing forged bounces.
        var expected = Encoding.ASCII.GetBytes(Tag(id));
        var given = Encoding.ASCII.GetBytes(local[(dash + 1)..].ToLowerInvariant());
        if (!CryptographicOperations.FixedTimeEquals(expected, given))
        {
            return false;
        }

        deliveryId = id;
        return true;
    }

    private string Tag(long deliveryId)
    {
        Span<byte> data = stackalloc byte[sizeof(long)];
        BitConverter.TryWriteBytes(data, deliveryId);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(keys.ReturnPathKey, data, mac);
        return Convert.ToHexStringLower(mac[..TagBytes]);
    }

    private static (string Local, string Domain) Split(string address)
    {
        var mailbox = MailboxAddress.Parse(address);
        var at = mailbox.Address.LastIndexOf('@');
        if (at <= 0)
        {
            throw new InvalidOperationException("Broadsheet:Mail:BounceAddress (or From) must be a full address such as bounces@example.org.");
        }

        return (mailbox.Address[..at], mailbox.Address[(at + 1)..]);
    }
}
