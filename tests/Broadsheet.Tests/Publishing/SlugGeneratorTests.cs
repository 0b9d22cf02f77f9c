using Broadsheet.Publishing;

namespace Broadsheet.Tests.Publishing;

public sealed class SlugGeneratorTests
{
    [Theory]
    [InlineData("Who profits from the drought?", "who-profits-from-the-drought")]
    [InlineData("  Rents up 37%, again  ", "rents-up-37-again")]
    [InlineData("مَن يربح من الجفاف؟", "من-يربح-من-الجفاف")]
    [InlineData("Ｆｕｌｌｗｉｄｔｈ", "fullwidth")]
    [InlineData("../../etc/passwd", "etc-passwd")]
    [InlineData("<script>alert(1)</script>", "script-alert-1-script")]
    [InlineData("!!!", "")]
    public void Titles_become_slugs(string title, string expected) => Assert.Equal(expected, SlugGenerator.FromTitle(title));

    [Fact]
    public void Slugs_are_capped() => Assert.Equal(SlugGenerator.MaxLength, SlugGenerator.FromTitle(new string('a', 500)).Length);

    [Theory]
    [InlineData("reports")]
    [InlineData("rss.xml")]
    [InlineData("admin")]
    [InlineData("")]
    [InlineData("Upper")]
    [InlineData("a--b")]
    public void Problem_slugs_are_named(string slug) => Assert.NotNull(SlugGenerator.Problem(slug));

    [Theory]
    [InlineData("water-2")]
    [InlineData("شح-المياه")]
    public void Good_slugs_pass(string slug) => Assert.Null(SlugGenerator.Problem(slug));
}
