namespace Broadsheet;

/// <summary>The two languages a post can be written in, as lower-case ISO 639-1 codes.</summary>
public static class Language
{
    public const string Arabic = "ar";
    public const string English = "en";

    public static readonly IReadOnlyList<string> All = [English, Arabic];

    public static bool IsSupported(string? code) => code is Arabic or English;

    public static bool IsRightToLeft(string code) => code == Arabic;

    public static string Direction(string code) => IsRightToLeft(code) ? "rtl" : "ltr";

    public static string Other(string code) => code == Arabic ? English : Arabic;
}
