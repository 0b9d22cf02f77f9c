namespace Broadsheet.Subscribers;

/// <summary>A signup as a form (or the API) delivers it: nothing here is trusted yet.</summary>
public sealed record SignupRequest
{
    public required string? Email { get; init; }
    public string? Name { get; init; }
    public NewsletterLanguages Languages { get; init; } = NewsletterLanguages.English;

    /// <summary>The language of the page the form was on: the confirmation mail is written in it.</summary>
    public required string PageLanguage { get; init; }

    /// <summary>Where the form was, for the consent record.</summary>
    public required string Source { get; init; }

    public byte[]? IpHash { get; init; }
}
