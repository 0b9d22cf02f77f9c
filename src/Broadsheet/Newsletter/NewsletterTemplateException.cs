namespace Broadsheet.Newsletter;

/// <summary>
/// A template that parsed but could not be rendered (an unknown filter, an include, a loop that never ends): thrown
/// by <see cref="DigestRenderer"/> when it was handed templates explicitly; with the stored ones it falls back to
/// the built-in templates instead, so an edition still goes out.
/// </summary>
public sealed class NewsletterTemplateException : Exception
{
    public NewsletterTemplateException()
    {
    }

    public NewsletterTemplateException(string message)
        : base(message)
    {
    }

    public NewsletterTemplateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public NewsletterTemplateException(NewsletterTemplateError error, Exception? innerException = null)
        : base(error?.English, innerException)
    {
        Error = error;
    }

    /// <summary>The reason in both languages, for the admin.</summary>
    public NewsletterTemplateError? Error { get; }
}
