namespace Broadsheet.Publishing;

public static class ReadingTime
{
    // Measured silent-reading rates: Arabic script is read a little more slowly than English prose.
    public static int Minutes(int wordCount, string language) =>
        Math.Max(1, (int)Math.Ceiling(wordCount / (language == Language.Arabic ? 180.0 : 230.0)));
}
