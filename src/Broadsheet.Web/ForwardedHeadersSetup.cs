using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.HttpOverrides;

namespace Broadsheet.Web;

/// <summary>
/// <c>Broadsheet:ForwardedHeaders:KnownProxies</c> (IP addresses) and <c>:KnownNetworks</c> (CIDR ranges): the reverse
/// proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed, so the rate limits see the reader's
/// address and the admin's cookie knows the request came over HTTPS.
/// </summary>
/// <remarks>
/// Empty by default, and then the headers are not read at all: anyone can send <c>X-Forwarded-For</c>, and believing
/// it from whoever connects would let one client give itself a fresh address, and a fresh signup allowance, with
/// every request. When set, only a request arriving from one of these addresses has its headers applied, walking back
/// through the proxies listed and stopping at the first address that is not one of them (the client, or whatever it
/// made up beyond that). Only what is configured is trusted: the framework's own default (loopback) is dropped.
/// </remarks>
internal static class ForwardedHeadersSetup
{
    public const string Section = "Broadsheet:ForwardedHeaders";

    /// <summary>The middleware's options, or null when no proxy is configured.</summary>
    /// <exception cref="InvalidOperationException">An entry is not an IP address or a CIDR range; the message says which.</exception>
    public static ForwardedHeadersOptions? Read(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var proxies = Values(section.GetSection("KnownProxies"));
        var networks = Values(section.GetSection("KnownNetworks"));
        if (proxies.Count == 0 && networks.Count == 0)
        {
            return null;
        }

        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
            // Several proxies in a row (a CDN, then nginx) are walked through; the walk still stops at the first
            // address that is not a known proxy, so a forged entry further left is never reached.
            ForwardLimit = null,
        };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var text in proxies)
        {
            if (!IPAddress.TryParse(text, out var address) || (address.AddressFamily == AddressFamily.InterNetwork && text.Count(c => c == '.') != 3))
            {
                throw new InvalidOperationException(
                    $"{Section}:KnownProxies: \"{text}\" is not an IP address. List the reverse proxies' addresses, e.g. Broadsheet__ForwardedHeaders__KnownProxies__0=10.0.0.5 (or several, separated by commas).");
            }

            options.KnownProxies.Add(address);
        }

        foreach (var text in networks)
        {
            // 10.0.0.7/24 is refused rather than read as 10.0.0.0/24: it may as well have meant the one host 10.0.0.7.
            if (!System.Net.IPNetwork.TryParse(text, out var network) || !network.BaseAddress.Equals(IPAddress.Parse(text.Split('/')[0])))
            {
                throw new InvalidOperationException(
                    $"{Section}:KnownNetworks: \"{text}\" is not a network in CIDR form. Write the network's first address and its prefix length, e.g. Broadsheet__ForwardedHeaders__KnownNetworks__0=10.0.0.0/24.");
            }

            options.KnownIPNetworks.Add(network);
        }

        return options;
    }

    /// <summary>A list (<c>KnownProxies:0</c>, <c>KnownProxies__0</c>…) or one value with commas (<c>10.0.0.5, 10.0.0.6</c>).</summary>
    private static List<string> Values(IConfigurationSection section)
    {
        IEnumerable<string> raw = section.Value is { } single ? [single] : section.GetChildren().Select(c => c.Value ?? "");
        return [.. raw.SelectMany(v => v.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
    }
}
