using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Broadsheet.Privacy;
using Broadsheet.Settings;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Security;

namespace Broadsheet.Delivery;

/// <summary>
/// Adds a DKIM-Signature (rsa-sha256, relaxed/relaxed) for the configured domain and selector to each outgoing
/// message, or does nothing when <c>Broadsheet:Mail:Dkim</c> is not set. The key is read once, when the signer is
/// made, so a missing key stops the start rather than the first send; one instance is shared by every sending
/// thread (signing keeps no state between messages).
/// </summary>
public sealed class DkimMessageSigner : IDisposable
{
    /// <summary>
    /// What a receiver shows or acts on: the author, the subject, the date, the one-click unsubscribe (RFC 8058 wants
    /// List-Unsubscribe and List-Unsubscribe-Post covered by the signature) and how the body is to be read.
    /// </summary>
    public static readonly IReadOnlyList<string> SignedHeaders =
    [
        "From", "Reply-To", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type",
        "List-Id", "List-Unsubscribe", "List-Unsubscribe-Post",
    ];

    // Named once more than they occur, so that a second From or Subject added on the way (to show the reader
    // something else above a valid signature) breaks the signature instead.
    private static readonly string[] Oversigned = ["From", "Subject"];

    private readonly IOptions<BroadsheetOptions> _options;
    private readonly TimeProvider _time;

    // Swapped whole when the settings change (Reload), so a message is signed with one consistent key and identity.
    private volatile State _state;

    private readonly SettingsSignal? _signal;

    /// <param name="signal">When given, the signer reads its settings and key again whenever saved settings are applied.</param>
    public DkimMessageSigner(IOptions<BroadsheetOptions> options, TimeProvider time, SettingsSignal? signal = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _options = options;
        _time = time;
        _state = Load(options.Value, time);
        _signal = signal;
        if (signal is not null)
        {
            signal.Changed += OnSettingsChanged;
        }
    }

    public void Dispose()
    {
        if (_signal is not null)
        {
            _signal.Changed -= OnSettingsChanged;
        }

        _state.Signer?.Dispose();
    }

    private void OnSettingsChanged(object? sender, EventArgs e) => Reload();

    /// <summary>Whether messages are signed; false when <c>Broadsheet:Mail:Dkim:Domain</c> and <c>:Selector</c> are empty.</summary>
    public bool Enabled => _state.Signer is not null;

    /// <summary>The domain and selector signed with; null when <see cref="Enabled"/> is false.</summary>
    public DkimIdentity? Identity => _state.Identity;

    /// <summary>The key file in use; null when <see cref="Enabled"/> is false.</summary>
    public string? KeyFile => _state.KeyFile;

    /// <summary>How many RSA objects the current key has been loaded into so far (for tests): about as many as sign at once.</summary>
    internal int KeysMade => _state.Signer?.KeysMade ?? 0;

    /// <summary>
    /// Reads the DKIM settings and key again (after an administrator changed them). A key that cannot be read throws
    /// and leaves the signer as it was. The previous signer is left to the collector rather than disposed: a message
    /// may be in the middle of being signed with it.
    /// </summary>
    public void Reload() => _state = Load(_options.Value, _time);

    private static State Load(BroadsheetOptions options, TimeProvider time)
    {
        var identity = DkimIdentity.FromOptions(options.Mail.Dkim);
        if (identity is null)
        {
            return new State(null, null, null);
        }

        var keyFile = DkimKeyFile.PathFor(options, identity);
        using var key = DkimKeyFile.Load(keyFile, identity);
        var pkcs8 = key.ExportPkcs8PrivateKey();
        try
        {
            return new State(identity, keyFile, new ClockedDkimSigner(PrivateKeyFactory.CreateKey(pkcs8), pkcs8, identity, time));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    private sealed record State(DkimIdentity? Identity, string? KeyFile, ClockedDkimSigner? Signer);

    /// <summary>Signs <paramref name="message"/> as it will be written with <see cref="FormatOptions.Default"/>.</summary>
    public void Sign(MimeMessage message) => Sign(message, FormatOptions.Default);

    /// <summary>
    /// Re-encodes the body for 7-bit transport (so no relay needs to convert it, which would break the body hash),
    /// then signs. <paramref name="format"/> must be how the message will go out: MailKit writes headers differently
    /// (<see cref="FormatOptions.International"/>) when an envelope address is not ASCII. Signing the same message
    /// again (a retry) replaces this signer's earlier signature instead of adding a second one. Do not change the
    /// message after signing it.
    /// </summary>
    public void Sign(MimeMessage message, FormatOptions format)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(format);
        var state = _state;
        if (state.Signer is null)
        {
            return;
        }

        message.Prepare(EncodingConstraint.SevenBit);
        RemoveOwnSignatures(message, state.Identity!);
        state.Signer.Sign(format, message, HeadersToSign(message));
    }

    // Only the headers the message has (plus the oversigned ones): naming an absent header would make a relay that
    // adds it, as some add List-Id, break the signature.
    private static List<string> HeadersToSign(MimeMessage message)
    {
        var names = new List<string>(SignedHeaders.Count + Oversigned.Length);
        foreach (var name in SignedHeaders)
        {
            // MimeKit keeps the Content-* headers on the body, and signs them from there.
            var headers = name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase) ? message.Body?.Headers : message.Headers;
            var count = headers is null ? 0 : headers.Count(h => h.Field.Equals(name, StringComparison.OrdinalIgnoreCase));
            var times = Oversigned.Contains(name, StringComparer.OrdinalIgnoreCase) ? count + 1 : count;
            names.AddRange(Enumerable.Repeat(name, times));
        }

        return names;
    }

    private static void RemoveOwnSignatures(MimeMessage message, DkimIdentity identity)
    {
        var own = message.Headers
            .Where(h => h.Id == HeaderId.DkimSignature && SignsFor(h.Value, identity))
            .ToList();
        foreach (var header in own)
        {
            message.Headers.Remove(header);
        }
    }

    private static bool SignsFor(string signature, DkimIdentity identity)
    {
        var tags = signature.Split(';')
            .Select(t => t.Split('=', 2))
            .Where(p => p.Length == 2)
            .GroupBy(p => p[0].Trim(), StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => string.Concat(g.First()[1].Where(c => !char.IsWhiteSpace(c))), StringComparer.OrdinalIgnoreCase);
        return tags.TryGetValue("d", out var d) && d.Equals(identity.Domain, StringComparison.OrdinalIgnoreCase)
            && tags.TryGetValue("s", out var s) && s.Equals(identity.Selector, StringComparison.OrdinalIgnoreCase);
    }

    // MimeKit stamps t= from the system clock; the project's time comes from the injected TimeProvider.
    // It also signs with .NET's RSA (OpenSSL) rather than BouncyCastle's managed arithmetic: several times faster.
    private sealed class ClockedDkimSigner : DkimSigner, IDisposable
    {
        private readonly TimeProvider _time;

        // RSA objects lent to one signature at a time (an RSA instance is not documented as safe to share between
        // threads): as many as sign at once (ContextPool says how many it keeps, and why not one per thread).
        private readonly ContextPool<RSA> _keys;
        private readonly int _keySize;

        public ClockedDkimSigner(AsymmetricKeyParameter key, byte[] pkcs8, DkimIdentity identity, TimeProvider time)
            : base(key, identity.Domain, identity.Selector, DkimSignatureAlgorithm.RsaSha256)
        {
            _time = time;
            var parameters = RsaParametersOf(pkcs8);
            _keySize = parameters.Modulus!.Length * 8;
            _keys = new ContextPool<RSA>(() => RSA.Create(parameters));
            HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed;
            BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed;
        }

        protected override long GetTimestamp() => _time.GetUtcNow().ToUnixTimeSeconds();

        protected override ISigner CreateSigningContext() => new OpenSslRsaSha256Signer(_keys, _keySize);

        public void Dispose() => _keys.Dispose();

        public int KeysMade => _keys.Made;

        private static RSAParameters RsaParametersOf(byte[] pkcs8)
        {
            using var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(pkcs8, out _);
            return rsa.ExportParameters(includePrivateParameters: true);
        }
    }
}
