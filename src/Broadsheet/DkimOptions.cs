namespace Broadsheet;

/// <summary><c>Broadsheet:Mail:Dkim</c>: signing is on when <see cref="Domain"/> and <see cref="Selector"/> are set.</summary>
public sealed class DkimOptions
{
    /// <summary>The signing domain (d=), normally the domain of the From address.</summary>
    public string Domain { get; set; } = "";

    /// <summary>The selector (s=): the DNS record is <c>{selector}._domainkey.{domain}</c>.</summary>
    public string Selector { get; set; } = "";

    /// <summary>The PEM private key; empty: <c>dkim/{selector}.{domain}.pem</c> in the data folder, as <c>dkim init</c> writes it.</summary>
    public string KeyFile { get; set; } = "";

    public bool Enabled => !string.IsNullOrWhiteSpace(Domain) && !string.IsNullOrWhiteSpace(Selector);
}
