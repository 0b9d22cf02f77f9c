using System.Security.Cryptography;

namespace Broadsheet.Delivery;

/// <summary>The DNS TXT record that publishes a DKIM public key, as a DNS panel and as a zone file want it.</summary>
public sealed record DkimDnsRecord
{
    // One character-string in a TXT record holds at most 255 bytes; a 2048-bit key needs two.
    private const int MaxStringLength = 255;

    private DkimDnsRecord(string name, string value)
    {
        Name = name;
        Value = value;
    }

    /// <summary>The record's name, e.g. <c>broadsheet1._domainkey.example.org</c>.</summary>
    public string Name { get; }

    /// <summary>The record's text, <c>v=DKIM1; k=rsa; p=…</c>, as a DNS provider's web form takes it.</summary>
    public string Value { get; }

    /// <summary>
    /// <see cref="Value"/> cut into quoted strings of at most 255 characters, which a zone file needs and a
    /// resolver joins back together without spaces.
    /// </summary>
    public IReadOnlyList<string> QuotedStrings =>
        Value.Chunk(MaxStringLength).Select(chunk => $"\"{new string(chunk)}\"").ToList();

    /// <summary>The whole record as one zone-file line (the trailing dot makes the name absolute).</summary>
    public string ZoneFileLine => $"{Name}. IN TXT ( {string.Join(' ', QuotedStrings)} )";

    /// <summary>The record for <paramref name="key"/>'s public half: <c>p=</c> is its base64 SubjectPublicKeyInfo.</summary>
    public static DkimDnsRecord For(DkimIdentity identity, RSA key)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(key);
        return new DkimDnsRecord(identity.RecordName, $"v=DKIM1; k=rsa; p={Convert.ToBase64String(key.ExportSubjectPublicKeyInfo())}");
    }
}
