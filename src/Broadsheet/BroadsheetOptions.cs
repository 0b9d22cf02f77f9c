namespace Broadsheet;

/// <summary>The <c>Broadsheet</c> configuration section.</summary>
public sealed class BroadsheetOptions
{
    public const string SectionName = "Broadsheet";

    /// <summary>Where the SQLite database, the key file and the mail outbox live.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>The public address of the site, used for canonical links, feeds and mail.</summary>
    public string SiteUrl { get; set; } = "http://localhost:5000";

    /// <summary>The publication's time zone, an IANA name. Times are stored in UTC and shown in this zone.</summary>
    public string TimeZone { get; set; } = "Asia/Damascus";

    /// <summary>The languages the site publishes in, the first being the default.</summary>
    public IList<string> Languages { get; set; } = [];

    /// <summary>Publication name per language.</summary>
    public IDictionary<string, string> PublicationName { get; set; } = new Dictionary<string, string>();

    public DatabaseOptions Database { get; set; } = new();

    public MailOptions Mail { get; set; } = new();

    public WorkersOptions Workers { get; set; } = new();

    public NewsletterOptions Newsletter { get; set; } = new();

    /// <summary>Newsletter open and click tracking: off unless switched on.</summary>
    public TrackingOptions Tracking { get; set; } = new();

    /// <summary>The master secret for address encryption, blind indexes and tokens (base64, 32 bytes). Empty: a key file in the data folder.</summary>
    public PrivacyOptions Privacy { get; set; } = new();

    /// <summary>Load the bilingual demo content into an empty database on start.</summary>
    public bool SeedDemoContent { get; set; } = true;

    /// <summary>How often the scheduler looks for scheduled posts that are due.</summary>
    public TimeSpan SchedulerInterval { get; set; } = TimeSpan.FromSeconds(5);

    public IReadOnlyList<string> EffectiveLanguages =>
        Languages.Count > 0 ? Languages.Select(l => l.Trim().ToLowerInvariant()).Where(Language.IsSupported).Distinct().ToList() : Language.All;

    public string DefaultLanguage => EffectiveLanguages.Count > 0 ? EffectiveLanguages[0] : Language.English;

    public string PublicationNameIn(string language) =>
        PublicationName.TryGetValue(language, out var name) && !string.IsNullOrWhiteSpace(name)
            ? name
            : language == Language.Arabic ? "برودشيت" : "Broadsheet";

    public TimeZoneInfo ResolveTimeZone() =>
        TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out var zone) ? zone : TimeZoneInfo.Utc;
}
