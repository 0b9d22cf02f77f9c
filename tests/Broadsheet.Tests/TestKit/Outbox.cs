using System.Text.RegularExpressions;
using MimeKit;

namespace Broadsheet.Tests.TestKit;

/// <summary>Reads the mails the outbox-folder transport wrote into a test's data folder.</summary>
public static partial class Outbox
{
    public static IReadOnlyList<MimeMessage> Messages(TestEnvironment environment)
    {
        var folder = Path.Combine(environment.DataDirectory, "outbox");
        return Directory.Exists(folder)
            ? Directory.GetFiles(folder, "*.eml").Order(StringComparer.Ordinal).Select(f => MimeMessage.Load(f)).ToList()
            : [];
    }

    /// <summary>The site-relative confirmation path (/confirm/TOKEN) in a mail's text part.</summary>
    public static string ConfirmPath(MimeMessage message)
    {
        var match = ConfirmLink().Match(message.TextBody ?? "");
        Assert.True(match.Success, "The mail carries a confirmation link.");
        return match.Groups[1].Value;
    }

    [GeneratedRegex(@"https?://[^/\s]+(/confirm/[A-Za-z0-9_.-]+)")]
    private static partial Regex ConfirmLink();
}
