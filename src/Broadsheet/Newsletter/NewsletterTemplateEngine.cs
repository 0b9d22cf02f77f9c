using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using System.Text.Unicode;
using Fluid;
using Microsoft.Extensions.FileProviders;

namespace Broadsheet.Newsletter;

/// <summary>
/// Parses and renders the newsletter's Liquid templates (Fluid). A template is parsed once per body it has had, not
/// once per render: parsed templates are kept by their text, so an editor's change is parsed when first used and
/// the unchanged one is never parsed again. Templates reach only the variables they are given, include no file, and
/// are stopped after a bounded amount of work, so a mistake in one cannot hang a send.
/// </summary>
public sealed partial class NewsletterTemplateEngine
{
    /// <summary>Steps (statements, loop turns) one render may take: far beyond any edition, short of a runaway loop.</summary>
    public const int MaxSteps = 200_000;

    // A handful of versions at most are in use at once (the stored one, the one being tried in the editor).
    private const int CacheLimit = 32;

    // Arabic (and every other script) is text, not something to escape: only markup characters are encoded.
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    private readonly FluidParser _parser = new();
    private readonly ConcurrentDictionary<string, IFluidTemplate> _parsed = new(StringComparer.Ordinal);
    private readonly TemplateOptions _options = new()
    {
        MaxSteps = MaxSteps,
        // A misspelt filter is an error the editor is told about, not silently empty output.
        StrictFilters = true,
        // No {% include %} or {% render %} of files: a template is self-contained.
        FileProvider = new NullFileProvider(),
        CultureInfo = CultureInfo.InvariantCulture,
    };

    public NewsletterTemplateEngine()
    {
        Defaults = new NewsletterTemplateSet(ReadDefault("digest.html.liquid"), ReadDefault("digest.text.liquid"));
    }

    /// <summary>The built-in templates (embedded in the library), used where no editor's version is stored.</summary>
    public NewsletterTemplateSet Defaults { get; }

    /// <summary>Parses a template (or finds it parsed already).</summary>
    /// <returns>Null when it parses; otherwise why not, in both languages, with the line and column.</returns>
    public NewsletterTemplateError? TryParse(string name, string body, out IFluidTemplate? template)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (_parsed.TryGetValue(body, out template))
        {
            return null;
        }

        if (!_parser.TryParse(body, out template, out var error))
        {
            template = null;
            return ParseError(name, error);
        }

        if (_parsed.Count >= CacheLimit)
        {
            _parsed.Clear();
        }

        _parsed[body] = template;
        return null;
    }

    /// <summary>Renders one template with the model; HTML-encoded output for the HTML template, as-is for the text one.</summary>
    /// <exception cref="NewsletterTemplateException">The template does not parse, or fails while rendering.</exception>
    internal string Render(string name, string body, IReadOnlyDictionary<string, object?> model)
    {
        if (TryParse(name, body, out var template) is { } error)
        {
            throw new NewsletterTemplateException(error);
        }

        var context = new TemplateContext(_options);
        foreach (var (key, value) in model)
        {
            context.SetValue(key, value);
        }

        try
        {
            return template!.Render(context, name == NewsletterTemplateSet.HtmlName ? Html : NullEncoder.Default);
        }
        catch (Exception e) when (e is FluidException or InvalidOperationException or FileNotFoundException or ArgumentException or FormatException)
        {
            // InvalidOperationException: the step limit; FileNotFoundException: an include.
            throw new NewsletterTemplateException(RenderError(name, e), e);
        }
    }

    private static NewsletterTemplateError ParseError(string name, string? message)
    {
        // Fluid says e.g. "End of tag '}}' was expected at (3:14)" and then repeats the source: the first line is enough.
        var first = (message ?? "").Split('\n', 2)[0].Trim();
        var position = Position().Match(first);
        var detail = position.Success ? first[..position.Index].TrimEnd() : first;
        if (detail.Length == 0)
        {
            detail = "the template cannot be read";
        }

        var (english, arabic) = Names(name);
        if (!position.Success)
        {
            return new(name, $"The {english} template has a mistake: {detail}.", $"في قالب {arabic} خطأ: {detail}.");
        }

        var line = position.Groups[1].Value;
        var column = position.Groups[2].Value;
        return new(name,
            $"The {english} template has a mistake on line {line}, column {column}: {detail}.",
            $"في قالب {arabic} خطأ في السطر {line}، العمود {column}: {detail}.");
    }

    private static NewsletterTemplateError RenderError(string name, Exception e)
    {
        var (english, arabic) = Names(name);
        return e switch
        {
            InvalidOperationException => new(name,
                $"The {english} template does too much work (a loop that runs too long?) and was stopped.",
                $"يقوم قالب {arabic} بعمل أكثر من اللازم (حلقة تطول أكثر مما ينبغي؟) فأُوقف."),
            FileNotFoundException => new(name,
                $"The {english} template includes another file; newsletter templates must be self-contained.",
                $"يضمّن قالب {arabic} ملفاً آخر؛ يجب أن يكون قالب النشرة مكتفياً بذاته."),
            _ => new(name,
                $"The {english} template cannot be shown with a sample edition: {e.Message}",
                $"تعذّر عرض قالب {arabic} بعدد تجريبي: {e.Message}"),
        };
    }

    private static (string English, string Arabic) Names(string name) =>
        name == NewsletterTemplateSet.HtmlName ? ("HTML", "HTML") : ("plain-text", "النص العادي");

    private static string ReadDefault(string file)
    {
        var resource = $"Broadsheet.NewsletterTemplates.{file}";
        using var stream = typeof(NewsletterTemplateEngine).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The built-in newsletter template {resource} is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\s*at \((\d+):(\d+)\)")]
    private static partial Regex Position();
}
