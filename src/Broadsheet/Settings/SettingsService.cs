using System.Globalization;
using Broadsheet.Cluster;
using Broadsheet.Data;
using Broadsheet.Delivery;
using Broadsheet.Privacy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Broadsheet.Settings;

/// <summary>
/// The settings an administrator changes in the admin. Each is a configuration key under <c>Broadsheet:</c>; a saved
/// value overrides the configuration file and environment for that key, and removing it (saving it empty) goes back
/// to the configured default. Saved values are applied to the one shared <see cref="BroadsheetOptions"/> at start-up
/// and after each save, and <see cref="SettingsSignal"/> tells the mail transport and the DKIM signer to rebuild.
/// Needs nothing of the mail machinery itself, so every command can apply the settings cheaply at start. On
/// PostgreSQL a save also tells the other instances (<see cref="ClusterBroadcaster"/>), which read them again
/// (<see cref="ReloadAsync"/>).
/// </summary>
public sealed class SettingsService(
    BroadsheetDb db,
    IOptions<BroadsheetOptions> options,
    IServiceProvider services,
    SettingsSignal signal,
    SettingsBaseline baseline,
    TimeProvider time,
    ClusterBroadcaster cluster)
{
    public const string PublicationNameEnglish = "PublicationName:en";
    public const string PublicationNameArabic = "PublicationName:ar";
    public const string SiteUrl = "SiteUrl";
    public const string TimeZone = "TimeZone";
    public const string MailFrom = "Mail:From";
    public const string MailReplyTo = "Mail:ReplyTo";
    public const string Transport = "Mail:Transport";
    public const string SmtpHost = "Mail:Smtp:Host";
    public const string SmtpPort = "Mail:Smtp:Port";
    public const string SmtpSecurity = "Mail:Smtp:Security";
    public const string SmtpUsername = "Mail:Smtp:Username";
    public const string SmtpPassword = "Mail:Smtp:Password";
    public const string SmtpConnections = "Mail:Smtp:Connections";
    public const string SmtpMessagesPerSecond = "Mail:Smtp:MessagesPerSecond";
    public const string DkimDomain = "Mail:Dkim:Domain";
    public const string DkimSelector = "Mail:Dkim:Selector";
    public const string TrackOpens = "Tracking:Opens";
    public const string TrackClicks = "Tracking:Clicks";
    public const string RequireApproval = "Newsletter:RequireApproval";

    public const int MaxNameLength = 100;

    // Resolved only when a saved SMTP password is read or written: making the key (a file on first use) is not the
    // business of every command that merely applies the settings at start.
    private AddressProtector Protector => services.GetRequiredService<AddressProtector>();
    public const int MaxConnections = 32;

    /// <summary>Every key the admin may save, in the order the page shows them.</summary>
    public static readonly IReadOnlyList<string> Keys =
    [
        PublicationNameEnglish, PublicationNameArabic, SiteUrl, TimeZone, MailFrom, MailReplyTo, Transport, SmtpHost, SmtpPort,
        SmtpSecurity, SmtpUsername, SmtpPassword, SmtpConnections, SmtpMessagesPerSecond, DkimDomain, DkimSelector, TrackOpens, TrackClicks,
        RequireApproval,
    ];

    /// <summary>The values in effect now (saved or configured), as text, the SMTP password included: never show that one.</summary>
    public IReadOnlyDictionary<string, string> Current() => Values(options.Value);

    /// <summary>The configured default of each key (what emptying it goes back to).</summary>
    public IReadOnlyDictionary<string, string> Defaults() => Values(baseline.Options);

    private static Dictionary<string, string> Values(BroadsheetOptions o) =>
        new()
        {
            [PublicationNameEnglish] = o.PublicationNameIn(Language.English),
            [PublicationNameArabic] = o.PublicationNameIn(Language.Arabic),
            [SiteUrl] = o.SiteUrl,
            [TimeZone] = o.TimeZone,
            [MailFrom] = o.Mail.From,
            [MailReplyTo] = o.Mail.ReplyTo,
            [Transport] = o.Mail.Transport.ToString(),
            [SmtpHost] = o.Mail.Smtp.Host,
            [SmtpPort] = o.Mail.Smtp.Port.ToString(CultureInfo.InvariantCulture),
            [SmtpSecurity] = o.Mail.Smtp.Security.ToString(),
            [SmtpUsername] = o.Mail.Smtp.Username,
            [SmtpConnections] = o.Mail.Smtp.Connections.ToString(CultureInfo.InvariantCulture),
            [SmtpMessagesPerSecond] = o.Mail.Smtp.MessagesPerSecond.ToString(CultureInfo.InvariantCulture),
            [DkimDomain] = o.Mail.Dkim.Domain,
            [DkimSelector] = o.Mail.Dkim.Selector,
            [TrackOpens] = o.Tracking.Opens ? "true" : "false",
            [TrackClicks] = o.Tracking.Clicks ? "true" : "false",
            [RequireApproval] = o.Newsletter.RequireApproval ? "true" : "false",
            [SmtpPassword] = o.Mail.Smtp.Password,
        };

    /// <summary>Whether an SMTP password is set (saved or configured); the password itself never leaves the server.</summary>
    public bool HasSmtpPassword => options.Value.Mail.Smtp.Password.Length > 0;

    /// <summary>Applies the saved settings to the shared options; called once at start-up, before anything sends.</summary>
    public async Task ApplySavedAsync(CancellationToken cancellationToken = default)
    {
        var saved = await db.Settings.AsNoTracking().ToListAsync(cancellationToken);
        if (saved.Count == 0)
        {
            return;
        }

        foreach (var setting in saved)
        {
            if (Keys.Contains(setting.Key))
            {
                Apply(options.Value, setting.Key, setting.Key == SmtpPassword ? Protector.Decrypt(Convert.FromBase64String(setting.Value)) : setting.Value);
            }
        }

        signal.Raise();
    }

    /// <summary>
    /// Reads the saved settings again after another instance saved them: every key gets its saved value or, when none
    /// is saved any more (emptied elsewhere), its configured default. Each key is set straight to its final value, so
    /// a page rendered meanwhile never sees a default in between. <see cref="SettingsSignal"/> is raised only when a
    /// value changed: rebuilding the mail transport closes its connections, which a reconnection's re-read must not do
    /// for nothing.
    /// </summary>
    /// <returns>Whether any value changed.</returns>
    public async Task<bool> ReloadAsync(CancellationToken cancellationToken = default)
    {
        var saved = await db.Settings.AsNoTracking().ToDictionaryAsync(s => s.Key, s => s.Value, cancellationToken);
        var before = Current();
        var defaults = Defaults();
        foreach (var key in Keys)
        {
            var value = saved.TryGetValue(key, out var stored)
                ? key == SmtpPassword ? Protector.Decrypt(Convert.FromBase64String(stored)) : stored
                : defaults[key];
            Apply(options.Value, key, value);
        }

        var after = Current();
        if (Keys.All(k => before[k] == after[k]))
        {
            return false;
        }

        signal.Raise();
        return true;
    }

    /// <summary>
    /// Checks every proposed value against the others and what is in effect; saves them all in one transaction or,
    /// when any is wrong, nothing. A value of null leaves that key as it is; an empty one removes the saved value (back
    /// to the configured default). An empty SMTP password means "keep the current one"; <paramref name="clearPassword"/>
    /// removes it.
    /// </summary>
    public async Task<IReadOnlyList<SettingsError>> SaveAsync(IReadOnlyDictionary<string, string?> proposed, bool clearPassword, int? actorId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(proposed);
        var changes = proposed.Where(p => p.Value is not null && Keys.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value!.Trim());
        if (changes.TryGetValue(SmtpPassword, out var password) && password.Length == 0)
        {
            changes.Remove(SmtpPassword);
        }

        if (clearPassword)
        {
            changes[SmtpPassword] = "";
        }

        // Validated on a copy with every change applied, so rules across keys (SMTP needs a host) see the result.
        var trial = Copy(options.Value);
        var defaults = Defaults();
        var errors = new List<SettingsError>();
        foreach (var (key, value) in changes)
        {
            if (value.Length > 0 && Check(key, value) is { } error)
            {
                errors.Add(error);
            }
            else
            {
                Apply(trial, key, value.Length > 0 ? value : defaults[key]);
            }
        }

        errors.AddRange(CheckTogether(trial, changes));
        if (errors.Count > 0)
        {
            return errors;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var existing = await db.Settings.Where(s => changes.Keys.Contains(s.Key)).ToDictionaryAsync(s => s.Key, cancellationToken);
        foreach (var (key, value) in changes)
        {
            var stored = key == SmtpPassword && value.Length > 0 ? Convert.ToBase64String(Protector.Encrypt(value)) : value;
            if (existing.TryGetValue(key, out var row))
            {
                if (value.Length == 0)
                {
                    db.Settings.Remove(row);
                }
                else
                {
                    row.Value = stored;
                    row.UpdatedAt = now;
                    row.UpdatedById = actorId;
                }
            }
            else if (value.Length > 0)
            {
                db.Settings.Add(new SiteSetting { Key = key, Value = stored, UpdatedAt = now, UpdatedById = actorId });
            }
        }

        await db.SaveChangesAsync(cancellationToken);

        // A removed value goes back to the configured default.
        foreach (var (key, value) in changes)
        {
            Apply(options.Value, key, value.Length > 0 ? value : defaults[key]);
        }

        signal.Raise();
        await cluster.SendAsync(ClusterChange.Settings, cancellationToken);
        return [];
    }

    /// <summary>Whether a DKIM key exists for the domain and selector (in the data folder, or the configured key file).</summary>
    public bool HasDkimKey(string domain, string selector) =>
        DkimIdentity.FromOptions(new DkimOptions { Domain = domain, Selector = selector }) is { } identity
        && File.Exists(DkimKeyFile.PathFor(options.Value, identity));

    /// <summary>Makes a DKIM key for the domain and selector (as <c>dkim init</c> does) and answers with the DNS record to publish.</summary>
    public DkimDnsRecord CreateDkimKey(string domain, string selector)
    {
        var identity = DkimIdentity.FromOptions(new DkimOptions { Domain = domain, Selector = selector })
            ?? throw new ArgumentException("A domain and a selector are needed.", nameof(domain));
        return DkimKeyFile.Create(DkimKeyFile.PathFor(options.Value, identity), identity, overwrite: false);
    }

    private static SettingsError? Check(string key, string value)
    {
        switch (key)
        {
            case PublicationNameEnglish or PublicationNameArabic when value.Length > MaxNameLength:
                return new(key, $"The publication's name can be at most {MaxNameLength} characters.", $"لا يتجاوز اسم المطبوعة {MaxNameLength} حرفاً.");
            case SiteUrl when !Uri.TryCreate(value, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || url.Query.Length > 0 || url.Fragment.Length > 0:
                return new(key, "The site address must be a full http:// or https:// address, such as https://example.org.", "يجب أن يكون عنوان الموقع كاملاً يبدأ بـ http:// أو https:// مثل https://example.org.");
            case TimeZone when !TimeZoneInfo.TryFindSystemTimeZoneById(value, out _):
                return new(key, "Unknown time zone: use an IANA name such as Asia/Beirut or Europe/London.", "منطقة زمنية غير معروفة: استخدم اسماً مثل Asia/Beirut أو Europe/London.");
            case MailFrom when !IsMailbox(value, requireAddress: true):
            case MailReplyTo when !IsMailbox(value, requireAddress: true):
                return new(key, "Enter an address such as newsletter@example.org, optionally with a name: \"The Ledger\" <newsletter@example.org>.", "أدخل عنواناً مثل newsletter@example.org، ويمكن أن يسبقه اسم: \"The Ledger\" <newsletter@example.org>.");
            case Transport when !Enum.TryParse<MailTransportKind>(value, out var kind) || !Enum.IsDefined(kind):
                return new(key, "Choose Outbox or SMTP.", "اختر صندوق الصادر أو SMTP.");
            case SmtpPort when !int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535:
                return new(key, "The port is a number from 1 to 65535 (587 for STARTTLS, 465 for TLS).", "المنفذ رقم بين 1 و65535 (587 لـ STARTTLS و465 لـ TLS).");
            case SmtpSecurity when !Enum.TryParse<SmtpSecurity>(value, out var security) || !Enum.IsDefined(security):
                return new(key, "Choose None, StartTls or Tls.", "اختر None أو StartTls أو Tls.");
            case SmtpConnections when !int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var connections) || connections is < 1 or > MaxConnections:
                return new(key, $"Connections: a number from 1 to {MaxConnections}.", $"عدد الاتصالات: رقم بين 1 و{MaxConnections}.");
            case SmtpMessagesPerSecond when !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) || !double.IsFinite(rate) || rate < 0:
                return new(key, "Messages per second: 0 for no limit, or a positive number.", "الرسائل في الثانية: 0 لعدم التقييد، أو رقم موجب.");
            case DkimDomain when Uri.CheckHostName(value) != UriHostNameType.Dns:
                return new(key, "The DKIM domain is a domain name, such as example.org.", "نطاق DKIM اسم نطاق مثل example.org.");
            case DkimSelector when value.Length > 63 || !value.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'):
                return new(key, "The selector is a short name of letters, digits and hyphens, such as broadsheet1.", "المحدِّد اسم قصير من أحرف وأرقام وشرطات مثل broadsheet1.");
            case TrackOpens or TrackClicks when value is not ("true" or "false"):
                return new(key, "Tracking is on or off.", "التتبع إما مفعّل أو غير مفعّل.");
            case RequireApproval when value is not ("true" or "false"):
                return new(key, "Editions either wait for approval or send themselves.", "إما أن تنتظر الأعداد الموافقة أو تُرسل وحدها.");
            case SmtpHost when value.Length > 253 || Uri.CheckHostName(value) == UriHostNameType.Unknown:
                return new(key, "The SMTP host is a host name or an IP address.", "مضيف SMTP اسم مضيف أو عنوان IP.");
            case SmtpUsername or SmtpPassword when value.Length > 256:
                return new(key, "At most 256 characters.", "256 حرفاً على الأكثر.");
            default:
                return null;
        }
    }

    private IEnumerable<SettingsError> CheckTogether(BroadsheetOptions trial, Dictionary<string, string> changes)
    {
        if (trial.Mail.Transport == MailTransportKind.Smtp)
        {
            SettingsError? smtp = null;
            try
            {
                MailTransportFactory.Validate("SMTP", trial.Mail.Smtp);
            }
            catch (InvalidOperationException)
            {
                smtp = new(SmtpHost, "To send over SMTP, give the relay's host (and a valid port).", "للإرسال عبر SMTP أدخل مضيف الخادم (ومنفذاً صحيحاً).");
            }

            if (smtp is not null)
            {
                yield return smtp;
            }
        }

        var domain = trial.Mail.Dkim.Domain;
        var selector = trial.Mail.Dkim.Selector;
        if ((domain.Length > 0) != (selector.Length > 0))
        {
            yield return new(DkimSelector, "DKIM needs both a domain and a selector (or neither, to turn signing off).", "يحتاج DKIM إلى نطاق ومحدِّد معاً (أو لا شيء لإيقاف التوقيع).");
        }
        else if (domain.Length > 0 && (changes.ContainsKey(DkimDomain) || changes.ContainsKey(DkimSelector)) && !HasDkimKey(domain, selector))
        {
            yield return new(DkimDomain, "There is no key for this domain and selector yet: make one first (the button below), then publish its DNS record.", "لا يوجد مفتاح لهذا النطاق والمحدِّد بعد: أنشئ واحداً أولاً (الزر أدناه) ثم انشر سجل DNS الخاص به.");
        }
    }

    private static bool IsMailbox(string value, bool requireAddress) =>
        MailboxAddress.TryParse(value, out var mailbox) && (!requireAddress || (mailbox.Address.Contains('@', StringComparison.Ordinal) && mailbox.Domain.Length > 0));

    /// <summary>Sets one key on <paramref name="target"/>; the value was checked.</summary>
    private static void Apply(BroadsheetOptions target, string key, string value)
    {
        var mail = target.Mail;
        switch (key)
        {
            case PublicationNameEnglish:
                target.PublicationName[Language.English] = value;
                break;
            case PublicationNameArabic:
                target.PublicationName[Language.Arabic] = value;
                break;
            case SiteUrl:
                target.SiteUrl = value.TrimEnd('/');
                break;
            case TimeZone:
                target.TimeZone = value;
                break;
            case MailFrom:
                mail.From = value;
                break;
            case MailReplyTo:
                mail.ReplyTo = value;
                break;
            case Transport:
                mail.Transport = Enum.Parse<MailTransportKind>(value);
                break;
            case SmtpHost:
                mail.Smtp.Host = value;
                break;
            case SmtpPort:
                mail.Smtp.Port = int.Parse(value, CultureInfo.InvariantCulture);
                break;
            case SmtpSecurity:
                mail.Smtp.Security = Enum.Parse<SmtpSecurity>(value);
                break;
            case SmtpUsername:
                mail.Smtp.Username = value;
                break;
            case SmtpPassword:
                mail.Smtp.Password = value;
                break;
            case SmtpConnections:
                mail.Smtp.Connections = int.Parse(value, CultureInfo.InvariantCulture);
                break;
            case SmtpMessagesPerSecond:
                mail.Smtp.MessagesPerSecond = double.Parse(value, CultureInfo.InvariantCulture);
                break;
            case DkimDomain:
                mail.Dkim.Domain = value;
                break;
            case DkimSelector:
                mail.Dkim.Selector = value;
                break;
            case TrackOpens:
                target.Tracking.Opens = value == "true";
                break;
            case TrackClicks:
                target.Tracking.Clicks = value == "true";
                break;
            case RequireApproval:
                target.Newsletter.RequireApproval = value == "true";
                break;
        }
    }

    /// <summary>A copy of what the settings touch (for validating a change, and for the baseline).</summary>
    internal static BroadsheetOptions Copy(BroadsheetOptions source) => new()
    {
        DataDirectory = source.DataDirectory,
        SiteUrl = source.SiteUrl,
        TimeZone = source.TimeZone,
        PublicationName = new Dictionary<string, string>(source.PublicationName),
        Mail = new MailOptions
        {
            From = source.Mail.From,
            ReplyTo = source.Mail.ReplyTo,
            Transport = source.Mail.Transport,
            Smtp = new SmtpOptions
            {
                Host = source.Mail.Smtp.Host, Port = source.Mail.Smtp.Port, Security = source.Mail.Smtp.Security,
                Username = source.Mail.Smtp.Username, Password = source.Mail.Smtp.Password, Connections = source.Mail.Smtp.Connections,
                MessagesPerSecond = source.Mail.Smtp.MessagesPerSecond, MessagesPerHour = source.Mail.Smtp.MessagesPerHour, Timeout = source.Mail.Smtp.Timeout,
            },
            Dkim = new DkimOptions { Domain = source.Mail.Dkim.Domain, Selector = source.Mail.Dkim.Selector, KeyFile = source.Mail.Dkim.KeyFile },
        },
        Tracking = new TrackingOptions { Opens = source.Tracking.Opens, Clicks = source.Tracking.Clicks },
        Newsletter = new NewsletterOptions { RequireApproval = source.Newsletter.RequireApproval },
    };
}
