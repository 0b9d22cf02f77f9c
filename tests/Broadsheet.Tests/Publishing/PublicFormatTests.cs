using Broadsheet.Publishing;

namespace Broadsheet.Tests.Publishing;

/// <summary>How the publication writes reading times: Arabic follows the number's grammar, in Arabic-Indic digits.</summary>
public sealed class PublicFormatTests
{
    [Theory]
    [InlineData(1, "en", "1 min read")]
    [InlineData(12, "en", "12 min read")]
    [InlineData(1, "ar", "وقت القراءة: دقيقة واحدة")]
    [InlineData(2, "ar", "وقت القراءة: دقيقتان")]
    [InlineData(3, "ar", "وقت القراءة: ٣ دقائق")]
    [InlineData(10, "ar", "وقت القراءة: ١٠ دقائق")]
    [InlineData(11, "ar", "وقت القراءة: ١١ دقيقة")]
    [InlineData(25, "ar", "وقت القراءة: ٢٥ دقيقة")]
    public void Reading_time_reads_naturally_in_both_languages(int minutes, string language, string expected) =>
        Assert.Equal(expected, PublicFormat.ReadingTime(minutes, language));
}
