using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Broadsheet.Delivery;

/// <summary>
/// The signing domain (d=) and selector (s=) of a DKIM key, checked and in the form DNS and receivers compare:
/// lower case, no trailing dot, an internationalised domain as its ASCII (xn--) form.
/// </summary>
public sealed record DkimIdentity
{
    private const int MaxNameLength = 253;
    private const int MaxLabelLength = 63;

    private DkimIdentity(string domain, string selector)
    {
        Domain = domain;
        Selector = selector;
    }

    public string Domain { get; }

    public string Selector { get; }

    /// <summary>Where receivers look up the public key: <c>{selector}._domainkey.{domain}</c>.</summary>
    public string RecordName => $"{Selector}._domainkey.{Domain}";

    /// <summary>Checks and normalises both names; <paramref name="problem"/> says what is wrong in words an operator can act on.</summary>
    public static bool TryCreate(
        string? domain,
        string? selector,
        [NotNullWhen(true)] out DkimIdentity? identity,
        [NotNullWhen(false)] out string? problem)
    {
        identity = null;
        if (!TryNormaliseDomain(domain, out var asciiDomain))
        {
            problem = $"\"{domain}\" is not a domain name such as example.org (letters, digits and hyphens, at least two labels).";
            return false;
        }

        var lowerSelector = (selector ?? "").Trim().ToLowerInvariant();
        if (!IsHostName(lowerSelector))
        {
            problem = $"\"{selector}\" is not a valid selector: use letters, digits and hyphens, e.g. broadsheet1 or 2026-06.";
            return false;
        }

        var candidate = new DkimIdentity(asciiDomain, lowerSelector);
        if (candidate.RecordName.Length > MaxNameLength)
        {
            problem = $"The record name {candidate.RecordName} is longer than DNS allows ({MaxNameLength} characters): choose a shorter selector.";
            return false;
        }

        identity = candidate;
        problem = null;
        return true;
    }

    /// <summary>The configured identity (<c>Broadsheet:Mail:Dkim:Domain</c> and <c>:Selector</c>), or null when signing is off.</summary>
    /// <exception cref="DkimConfigurationException">Only one of the two is set, or one is not a valid name.</exception>
    public static DkimIdentity? FromOptions(DkimOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var hasDomain = !string.IsNullOrWhiteSpace(options.Domain);
        var hasSelector = !string.IsNullOrWhiteSpace(options.Selector);
        if (!hasDomain && !hasSelector)
        {
            return null;
        }

        // Half a configuration means someone meant to sign: sending unsigned mail instead would fail DMARC quietly.
        if (!hasDomain || !hasSelector)
        {
            throw new DkimConfigurationException(
                $"DKIM needs both Broadsheet:Mail:Dkim:Domain and Broadsheet:Mail:Dkim:Selector (Broadsheet__Mail__Dkim__Domain, " +
                $"Broadsheet__Mail__Dkim__Selector); only {(hasDomain ? "Domain" : "Selector")} is set. Set both (as `dkim init` prints them), or neither to send unsigned.");
        }

        if (!TryCreate(options.Domain, options.Selector, out var identity, out var problem))
        {
            throw new DkimConfigurationException($"Broadsheet:Mail:Dkim:Domain or :Selector is not valid: {problem}");
        }

        return identity;
    }

    private static bool TryNormaliseDomain(string? value, out string domain)
    {
        domain = "";
        var trimmed = (value ?? "").Trim().TrimEnd('.');
        if (trimmed.Length == 0)
        {
            return false;
        }

        try
        {
            // A newsroom may own an Arabic domain; DKIM's d= and the DNS lookup use its xn-- form.
            domain = new IdnMapping().GetAscii(trimmed).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return false;
        }

        // One label (localhost) cannot hold public DNS records, and an all-digit last label is an IP address.
        var labels = domain.Split('.');
        return labels.Length >= 2 && IsHostName(domain) && !labels[^1].All(char.IsAsciiDigit);
    }

    // RFC 6376 selectors and domains are dot-separated LDH labels: no underscores, no leading or trailing hyphen.
    private static bool IsHostName(string name) =>
        name.Length is > 0 and <= MaxNameLength &&
        name.Split('.').All(label =>
            label.Length is > 0 and <= MaxLabelLength &&
            label[0] != '-' && label[^1] != '-' &&
            label.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'));
}
