using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using MimeKit;
using Verdict = (Broadsheet.Delivery.BounceKind Kind, string? Status, string Diagnostic, string Reason);

namespace Broadsheet.Delivery;

/// <summary>
/// Reads a mail that arrived at the bounce address: a delivery status notification (RFC 3464), a spam complaint
/// from a feedback loop (ARF, RFC 5965), an automatic answer (RFC 3834 and the vendors' own headers and subjects,
/// in English and Arabic), or, as a best effort, one of the plain-text failure notices that follow no standard.
/// </summary>
/// <remarks>
/// The order matters: a standard report is trusted over everything else (report generators often also send
/// <c>Auto-Submitted: auto-replied</c>), a daemon's failure notice over auto-reply signs, and what matches nothing
/// is <see cref="BounceKind.NotABounce"/>. A hard bounce suppresses an address for good, so only a permanent
/// (class 5) code, or a report's own "failed", makes one; anything vaguer is soft.
/// </remarks>
public static partial class BounceParser
{
    // Server text longer than this is cut before it is cleaned (see Clean).
    private const int MaxInspectedLineLength = 4_096;

    // Bodies are only searched for a status code; a failure notice says it near the top.
    private const int MaxInspectedTextLength = 64 * 1024;

    // Where receiving servers record the envelope recipient: for a bounce, that is our VERP address.
    private static readonly string[] DeliveredToHeaders = ["To", "Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To"];

    private static readonly string[] DaemonLocalParts = ["mailer-daemon", "mailerdaemon", "mail-daemon", "postmaster"];

    private static readonly string[] DaemonNames = ["mail delivery system", "mail delivery subsystem", "mailer-daemon", "postmaster"];

    // Subjects are compared after Fold(), as the auto-reply ones below are.
    private static readonly string[] FailureSubjects = Folded(
    [
        "undelivered mail returned to sender",
        "delivery status notification (failure)",
        "undeliverable",
        "undelivered mail",
        "mail delivery failed",
        "delivery failure",
        "delivery failed",
        "delivery has failed",
        "failure notice",
        "returned mail",
        "could not be delivered",
        "تعذر التسليم",
        "فشل التسليم",
    ]);

    private static readonly string[] DelaySubjects = Folded(
    [
        "delivery status notification (delay)",
        "delivery delayed",
        "delayed mail",
        "delivery delay notification",
        "warning: could not send message",
    ]);

    // Arabic spellings with or without hamza, madda, diacritics or tatweel all fold to the same text.
    private static readonly string[] AutoReplySubjectStarts = Folded(
    [
        "out of office",
        "out of the office",
        "automatic reply",
        "automatic response",
        "auto reply",
        "auto-reply",
        "autoreply",
        "auto response",
        "auto-response",
        "autoresponse",
        "vacation reply",
        "on vacation",
        "رد تلقائي",
        "الرد التلقائي",
        "رد آلي",
        "الرد الآلي",
        "إجابة تلقائية",
    ]);

    // Lotus Notes and some webmails put the notice after the person's name; Arabic ones anywhere ("أنا خارج المكتب").
    private static readonly string[] AutoReplySubjectParts = Folded([" is out of the office", "(out of office)", "خارج المكتب"]);

    /// <summary>Reads one mail; never throws for what the mail contains (an unreadable one is a NotABounce that says why).</summary>
    public static BounceReport Parse(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            var outline = Outline(message.Body).ToList();
            var originals = outline.OfType<MessagePart>().Select(p => p.Message).OfType<MimeMessage>().ToList();
            var verdict = Classify(message, outline);
            return new BounceReport(
                verdict.Kind,
                verdict.Status,
                verdict.Diagnostic,
                ReturnAddresses(message, outline, originals),
                OriginalMessageIds(message, outline, originals, verdict.Kind),
                verdict.Reason);
        }
#pragma warning disable CA1031 // A broken mail from a stranger must not stop the mailbox from being read.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return new BounceReport(BounceKind.NotABounce, null, "", [], [], $"unreadable mail ({e.GetType().Name})");
        }
    }

    private static Verdict Classify(MimeMessage message, List<MimeEntity> outline)
    {
        if (outline.OfType<MultipartReport>().FirstOrDefault() is { } report)
        {
            var parts = Outline(report).ToList();
            var deliveryStatus = parts.OfType<MessageDeliveryStatus>().FirstOrDefault();
            if (deliveryStatus is not null || IsReportType(report, "delivery-status"))
            {
                return FromDeliveryStatus(deliveryStatus, HumanText(parts));
            }

            var feedback = parts.OfType<MessageFeedbackReport>().FirstOrDefault();
            if (feedback is not null || IsReportType(report, "feedback-report"))
            {
                return FromFeedbackReport(feedback);
            }

            if (IsReportType(report, "disposition-notification"))
            {
                return (BounceKind.NotABounce, null, "", "read receipt (disposition notification)");
            }
        }

        return FromFailureNotice(message, outline)
            ?? FromAutoReply(message)
            ?? (BounceKind.NotABounce, null, "", "no delivery report, feedback report, failure notice or auto-reply");
    }

    private static Verdict FromDeliveryStatus(MessageDeliveryStatus? deliveryStatus, string humanText)
    {
        IReadOnlyList<HeaderList> groups;
        try
        {
            groups = deliveryStatus?.StatusGroups.ToList() ?? [];
        }
        catch (FormatException)
        {
            groups = [];
        }

        // The first group is about the message; each further one is about one recipient. We send one recipient per
        // message, but a relay may report several: the worst outcome speaks for the message.
        Verdict? worst = null;
        foreach (var group in groups.Skip(1).Where(g => g.Contains("Action") || g.Contains("Status")))
        {
            var action = group["Action"]?.Trim().ToUpperInvariant() ?? "";
            var code = EnhancedCode(group["Status"]) ?? EnhancedCode(group["Diagnostic-Code"]);
            var kind = action switch
            {
                // RFC 3464: "failed" means no further attempts; a relay that gave up after retrying says so with 4.x.x.
                "FAILED" => code?.StartsWith('4') == true ? BounceKind.SoftBounce : BounceKind.HardBounce,
                "DELAYED" => BounceKind.SoftBounce,
                "DELIVERED" or "RELAYED" or "EXPANDED" => BounceKind.NotABounce,
                _ => KindOf(code),
            };
            if (worst is null || Severity(kind) > Severity(worst.Value.Kind))
            {
                var diagnostic = group["Diagnostic-Code"] is { } words ? Clean(DiagnosticTypePrefix().Replace(words, "")) : LineWith(humanText, code);
                var known = action is "FAILED" or "DELAYED" or "DELIVERED" or "RELAYED" or "EXPANDED" ? action.ToLowerInvariant() : "not given";
                worst = (kind, code, diagnostic, $"delivery status notification, action {known}");
            }
        }

        if (worst is { } verdict)
        {
            return verdict;
        }

        // A report that says it is about delivery but whose fields cannot be read: its human-readable part usually
        // still carries the code. Without one, it is a failure of unknown weight: soft, never a suppression.
        var fromText = PermanentOrTemporaryCode(humanText);
        return fromText is null
            ? (BounceKind.SoftBounce, null, "", "delivery status notification without readable status")
            : (KindOf(fromText), fromText, LineWith(humanText, fromText), "delivery status notification, status from its text");
    }

    private static Verdict FromFeedbackReport(MessageFeedbackReport? feedback)
    {
        string? type;
        try
        {
            type = feedback?.Fields["Feedback-Type"]?.Trim();
        }
        catch (FormatException)
        {
            type = null;
        }

        // RFC 6430's not-spam undoes a complaint, and RFC 6591's auth-failure is a DMARC report: neither is a reader's complaint.
        if (string.Equals(type, "not-spam", StringComparison.OrdinalIgnoreCase) || string.Equals(type, "auth-failure", StringComparison.OrdinalIgnoreCase))
        {
            return (BounceKind.NotABounce, null, Clean($"Feedback-Type: {type}"), "feedback report that is not a complaint");
        }

        return (BounceKind.Complaint, null, Clean($"Feedback-Type: {(string.IsNullOrEmpty(type) ? "abuse" : type)}"), "feedback report (ARF)");
    }

    private static Verdict? FromFailureNotice(MimeMessage message, List<MimeEntity> outline)
    {
        if (!IsFromMailDaemon(message))
        {
            return null;
        }

        var subject = Fold(message.Subject ?? "");
        var delayed = DelaySubjects.Any(s => subject.Contains(s, StringComparison.Ordinal));
        if (!delayed && !FailureSubjects.Any(s => subject.Contains(s, StringComparison.Ordinal)))
        {
            return null;
        }

        var text = HumanText(outline);
        var code = PermanentOrTemporaryCode(text);
        if (delayed)
        {
            return (BounceKind.SoftBounce, code, LineWith(text, code), "delay notice from a mail server");
        }

        if (code is not null)
        {
            return (KindOf(code), code, LineWith(text, code), "failure notice from a mail server");
        }

        // No enhanced code, but a permanent SMTP reply quoted in the text (e.g. "550 No such user") is as clear.
        var reply = PermanentReply().Match(text);
        return reply.Success
            ? (BounceKind.HardBounce, null, LineWith(text, reply.Index), "failure notice from a mail server, permanent reply code")
            : (BounceKind.SoftBounce, null, "", "failure notice from a mail server without a status code");
    }

    private static Verdict? FromAutoReply(MimeMessage message)
    {
        // The keyword alone: RFC 3834 allows parameters and comments after it ("auto-replied (vacation)").
        var autoSubmitted = LeadingKeyword().Match(message.Headers["Auto-Submitted"] ?? "").Value.Trim();
        if (string.Equals(autoSubmitted, "auto-replied", StringComparison.OrdinalIgnoreCase))
        {
            return (BounceKind.AutoReply, null, "", "Auto-Submitted: auto-replied");
        }

        if (message.Headers.Contains("X-Autoreply") || message.Headers.Contains("X-Autorespond"))
        {
            return (BounceKind.AutoReply, null, "", "auto-reply header");
        }

        if (string.Equals(message.Headers["Precedence"]?.Trim(), "auto_reply", StringComparison.OrdinalIgnoreCase))
        {
            return (BounceKind.AutoReply, null, "", "Precedence: auto_reply");
        }

        var subject = Fold(message.Subject ?? "");
        if (AutoReplySubjectStarts.Any(s => subject.StartsWith(s, StringComparison.Ordinal))
            || AutoReplySubjectParts.Any(s => subject.Contains(s, StringComparison.Ordinal)))
        {
            return (BounceKind.AutoReply, null, "", "out-of-office subject");
        }

        return null;
    }

    private static bool IsFromMailDaemon(MimeMessage message) =>
        message.From.Mailboxes.Concat(message.Sender is null ? [] : [message.Sender]).Any(m =>
            DaemonLocalParts.Any(d => string.Equals(m.LocalPart, d, StringComparison.OrdinalIgnoreCase))
            || DaemonNames.Any(d => string.Equals(m.Name?.Trim(), d, StringComparison.OrdinalIgnoreCase)));

    private static List<string> ReturnAddresses(MimeMessage message, List<MimeEntity> outline, List<MimeMessage> originals)
    {
        var values = message.Headers
            .Where(h => DeliveredToHeaders.Any(name => string.Equals(h.Field, name, StringComparison.OrdinalIgnoreCase)))
            .Select(h => h.Value)
            .Concat(originals.Select(o => o.Headers[HeaderId.ReturnPath]))
            // A complaint comes to the feedback-loop address, not the VERP one; the report names the original envelope sender.
            .Concat(outline.OfType<MessageFeedbackReport>().Select(FeedbackMailFrom));

        var addresses = new List<string>();
        foreach (var value in values)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            var found = InternetAddressList.TryParse(value, out var list)
                ? list.Mailboxes.Select(m => m.Address)
                : Address().Matches(value).Select(m => m.Value.Trim('<', '>'));
            foreach (var address in found)
            {
                if (address.Contains('@', StringComparison.Ordinal) && !addresses.Contains(address, StringComparer.OrdinalIgnoreCase))
                {
                    addresses.Add(address);
                }
            }
        }

        return addresses;
    }

    private static string? FeedbackMailFrom(MessageFeedbackReport report)
    {
        try
        {
            return report.Fields["Original-Mail-From"];
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static List<string> OriginalMessageIds(MimeMessage message, List<MimeEntity> outline, List<MimeMessage> originals, BounceKind kind)
    {
        var ids = new List<string>();
        foreach (var original in originals)
        {
            Add(original.MessageId ?? BracketedId(original.Headers[HeaderId.MessageId]));
        }

        // A failure notice that pastes the original's headers into its text instead of attaching them.
        if (ids.Count == 0 && kind is BounceKind.HardBounce or BounceKind.SoftBounce)
        {
            foreach (Match match in QuotedMessageIdHeader().Matches(HumanText(outline)))
            {
                Add(match.Groups[1].Value);
            }
        }

        if (ids.Count == 0)
        {
            Add(message.InReplyTo);
            foreach (var reference in message.References)
            {
                Add(reference);
            }
        }

        return ids;

        void Add(string? id)
        {
            id = id?.Trim().Trim('<', '>');
            if (!string.IsNullOrEmpty(id) && !ids.Contains(id, StringComparer.Ordinal))
            {
                ids.Add(id);
            }
        }
    }

    private static string? BracketedId(string? value) => value is null ? null : BracketedIdPattern().Match(value) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>The entity and, inside multiparts, every part below it; an attached message is one leaf, not entered.</summary>
    private static IEnumerable<MimeEntity> Outline(MimeEntity? entity)
    {
        if (entity is null)
        {
            yield break;
        }

        yield return entity;
        if (entity is Multipart multipart)
        {
            foreach (var child in multipart)
            {
                foreach (var descendant in Outline(child))
                {
                    yield return descendant;
                }
            }
        }
    }

    /// <summary>The text a person would read (plain, or HTML without its tags), outside any attached message.</summary>
    private static string HumanText(IEnumerable<MimeEntity> outline)
    {
        var text = new StringBuilder();
        foreach (var part in outline.OfType<TextPart>())
        {
            if (text.Length >= MaxInspectedTextLength)
            {
                break;
            }

            var content = part.Text ?? "";
            if (part.IsHtml)
            {
                content = WebUtility.HtmlDecode(HtmlTag().Replace(content, "\n"));
            }

            text.Append(content.AsSpan(0, Math.Min(content.Length, MaxInspectedTextLength - text.Length))).Append('\n');
        }

        return text.ToString();
    }

    private static bool IsReportType(MultipartReport report, string type) =>
        string.Equals(report.ReportType?.Trim(), type, StringComparison.OrdinalIgnoreCase);

    private static string? EnhancedCode(string? text) =>
        text is not null && EnhancedStatusCode().Match(text) is { Success: true } match ? match.Value : null;

    /// <summary>The first class-5 code in the text, else the first class-4 one.</summary>
    private static string? PermanentOrTemporaryCode(string text)
    {
        var codes = EnhancedStatusCode().Matches(text).Select(m => m.Value).ToList();
        return codes.FirstOrDefault(c => c.StartsWith('5')) ?? codes.FirstOrDefault(c => c.StartsWith('4'));
    }

    private static BounceKind KindOf(string? code) => code?[0] switch
    {
        '5' => BounceKind.HardBounce,
        '4' => BounceKind.SoftBounce,
        _ => BounceKind.NotABounce,
    };

    private static int Severity(BounceKind kind) => kind switch
    {
        BounceKind.HardBounce => 2,
        BounceKind.SoftBounce => 1,
        _ => 0,
    };

    private static string LineWith(string text, string? code) =>
        code is null ? "" : LineWith(text, text.IndexOf(code, StringComparison.Ordinal));

    private static string LineWith(string text, int index)
    {
        if (index < 0)
        {
            return "";
        }

        var start = text.LastIndexOf('\n', index) + 1;
        var end = text.IndexOf('\n', index);
        return Clean(text[start..(end < 0 ? text.Length : end)]);
    }

    /// <summary>The server's words on one line, fit for the record the way an SMTP reply is (no address, no IP, cut short).</summary>
    private static string Clean(string text)
    {
        // Cut first so the clean-up's work is bounded whatever a remote server sends; back to a space, so no half
        // address is left that the clean-up would no longer recognise.
        if (text.Length > MaxInspectedLineLength)
        {
            var cut = text.LastIndexOfAny([' ', '\t', '\r', '\n'], MaxInspectedLineLength);
            text = text[..Math.Max(cut, 0)];
        }

        return SmtpReplyText.Clean(Whitespace().Replace(text, " "));
    }

    /// <summary>Lower case, compatibility forms, no diacritics (so أ, إ, آ become ا), no tatweel or direction marks.</summary>
    private static string Fold(string text)
    {
        var folded = new StringBuilder(text.Length);
        foreach (var c in text.Normalize(NormalizationForm.FormKD))
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.Format || c == 'ـ')
            {
                continue;
            }

            folded.Append(c switch
            {
                'ى' => 'ي',
                _ when char.IsWhiteSpace(c) => ' ',
                _ => char.ToLowerInvariant(c),
            });
        }

        return Whitespace().Replace(folded.ToString(), " ").Trim();
    }

    private static string[] Folded(string[] phrases) => phrases.Select(Fold).ToArray();

    // RFC 3463 class.subject.detail, not part of a longer dotted number (a version or an IP address).
    [GeneratedRegex(@"(?<![\d.])[245]\.\d{1,3}\.\d{1,3}(?!\.?\d)")]
    private static partial Regex EnhancedStatusCode();

    [GeneratedRegex(@"^\s*[A-Za-z0-9_-]+")]
    private static partial Regex LeadingKeyword();

    [GeneratedRegex(@"(?<![\d.])5[0-5]\d(?=[ -])")]
    private static partial Regex PermanentReply();

    // RFC 3464's diagnostic-type ("smtp; 550 …"), which says how to read the rest, not what happened.
    [GeneratedRegex(@"^\s*[A-Za-z][A-Za-z0-9-]*\s*;\s*")]
    private static partial Regex DiagnosticTypePrefix();

    // For a header value MimeKit cannot parse as an address list: anything shaped like local@domain.
    [GeneratedRegex(@"[^\s<>,;""]+@[^\s<>,;""]+")]
    private static partial Regex Address();

    [GeneratedRegex(@"(?im)^[ \t>]*Message-ID:[ \t]*<([^<>\s]{1,250})>")]
    private static partial Regex QuotedMessageIdHeader();

    [GeneratedRegex(@"<([^<>\s]{1,250})>")]
    private static partial Regex BracketedIdPattern();

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex HtmlTag();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
