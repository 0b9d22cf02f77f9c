using Broadsheet.Subscribers;

namespace Broadsheet.Tests.Subscribers;

public sealed class EmailAddressTests
{
    [Theory]
    [InlineData("reader@example.org", "reader@example.org")]
    [InlineData("First.Last+news@Example.ORG", "First.Last+news@example.org")]
    [InlineData("o'brien@example.ie", "o'brien@example.ie")]
    [InlineData("  reader@example.org\t", "reader@example.org")]
    [InlineData("user@münchen.de", "user@xn--mnchen-3ya.de")]
    [InlineData("user@MÜNCHEN.DE", "user@xn--mnchen-3ya.de")]
    [InlineData("user@XN--MNCHEN-3YA.DE", "user@xn--mnchen-3ya.de")]
    [InlineData("reader@ｅｘａｍｐｌｅ.org", "reader@example.org")]
    [InlineData("a!#$%&'*+-/=?^_`{|}~z@example.org", "a!#$%&'*+-/=?^_`{|}~z@example.org")]
    [InlineData("x@a--b.example.org", "x@a--b.example.org")]
    [InlineData("x@123.example.org", "x@123.example.org")]
    [InlineData("قارئ.١٢٣@example.org", "قارئ.١٢٣@example.org")]
    [InlineData("josé@example.es", "josé@example.es")]
    public void Good_addresses_are_normalised(string input, string expected)
    {
        Assert.True(EmailAddress.TryParse(input, out var address, out var error));
        Assert.Equal(EmailAddressError.None, error);
        Assert.Equal(expected, address.Value);
        Assert.Equal(expected, address.ToString());
        Assert.Equal(expected, EmailAddress.Parse(input).Value);
    }

    [Fact]
    public void German_idn_domain_is_punycode_with_a_unicode_display_form()
    {
        var address = EmailAddress.Parse("user@münchen.de");
        Assert.Equal("user", address.LocalPart);
        Assert.Equal("xn--mnchen-3ya.de", address.Domain);
        Assert.Equal("münchen.de", address.DisplayDomain);
    }

    [Fact]
    public void Arabic_local_part_and_domain_are_accepted()
    {
        var address = EmailAddress.Parse("قارئ@مثال.شبكة");
        Assert.Equal("قارئ", address.LocalPart);
        Assert.All(address.Domain.Split('.'), label => Assert.StartsWith("xn--", label, StringComparison.Ordinal));
        Assert.True(address.Domain.All(char.IsAscii));
        Assert.Equal("مثال.شبكة", address.DisplayDomain);
        Assert.Equal("قارئ@" + address.Domain, address.Value);
    }

    [Fact]
    public void Decomposed_and_precomposed_accents_are_the_same_address()
    {
        var precomposed = EmailAddress.Parse("caf\u00E9@example.org");
        var decomposed = EmailAddress.Parse("cafe\u0301@example.org");
        Assert.Equal(precomposed, decomposed);
        Assert.True(precomposed == decomposed);
        Assert.Equal(precomposed.GetHashCode(), decomposed.GetHashCode());
        Assert.Equal("caf\u00E9@example.org", decomposed.Value);
    }

    [Fact]
    public void Domain_case_is_folded_but_local_part_case_is_kept()
    {
        Assert.Equal(EmailAddress.Parse("reader@EXAMPLE.org"), EmailAddress.Parse("reader@example.org"));
        Assert.NotEqual(EmailAddress.Parse("Reader@example.org"), EmailAddress.Parse("reader@example.org"));
        Assert.True(EmailAddress.Parse("Reader@example.org") != EmailAddress.Parse("reader@example.org"));
        Assert.False(EmailAddress.Parse("reader@example.org").Equals(null));
    }

    [Fact]
    public void Distinct_addresses_deduplicate_on_value()
    {
        var set = new HashSet<EmailAddress>
        {
            EmailAddress.Parse("reader@Example.org"),
            EmailAddress.Parse(" reader@example.ORG "),
            EmailAddress.Parse("reader@example.org"),
        };
        Assert.Single(set);
    }

    [Fact]
    public void Local_part_of_64_octets_is_accepted_and_65_is_not()
    {
        Assert.True(EmailAddress.TryParse(new string('a', 64) + "@example.org", out _, out _));
        Assert.False(EmailAddress.TryParse(new string('a', 65) + "@example.org", out var address, out var error));
        Assert.Null(address);
        Assert.Equal(EmailAddressError.LocalPartTooLong, error);
    }

    [Fact]
    public void Local_part_limit_is_in_utf8_octets()
    {
        // Each Arabic letter is two octets, so 32 fit and 33 do not.
        Assert.True(EmailAddress.TryParse(new string('ب', 32) + "@example.org", out _, out _));
        Assert.False(EmailAddress.TryParse(new string('ب', 33) + "@example.org", out _, out var error));
        Assert.Equal(EmailAddressError.LocalPartTooLong, error);
    }

    [Fact]
    public void Whole_address_is_limited_to_254_octets()
    {
        var local = new string('a', 64);
        string DomainOf(int length) =>
            new string('b', 63) + "." + new string('c', 63) + "." + new string('d', length - 63 - 63 - 2 - 4) + ".org";

        var longest = local + "@" + DomainOf(189);
        Assert.Equal(254, longest.Length);
        Assert.True(EmailAddress.TryParse(longest, out _, out _));

        var tooLong = local + "@" + DomainOf(190);
        Assert.Equal(255, tooLong.Length);
        Assert.False(EmailAddress.TryParse(tooLong, out _, out var error));
        Assert.Equal(EmailAddressError.TooLong, error);
    }

    [Fact]
    public void Huge_input_is_refused_before_any_work()
    {
        Assert.False(EmailAddress.TryParse(new string(' ', 1001), out _, out var error));
        Assert.Equal(EmailAddressError.TooLong, error);
    }

    [Fact]
    public void Label_of_64_characters_is_refused()
    {
        Assert.False(EmailAddress.TryParse("a@" + new string('b', 64) + ".org", out _, out var error));
        Assert.Equal(EmailAddressError.Domain, error);
        Assert.True(EmailAddress.TryParse("a@" + new string('b', 63) + ".org", out _, out _));
    }

    [Theory]
    [InlineData("", EmailAddressError.Empty)]
    [InlineData("   ", EmailAddressError.Empty)]
    [InlineData(" \t ", EmailAddressError.Empty)]
    [InlineData("testing address@hotmail.com", EmailAddressError.ForbiddenCharacter)]
    [InlineData("\"testing address\"@hotmail.com", EmailAddressError.ForbiddenCharacter)]
    [InlineData("\"testing\"@hotmail.com", EmailAddressError.Syntax)]
    [InlineData("a@example.org\r\nBcc: x@y.z", EmailAddressError.ForbiddenCharacter)]
    [InlineData("a\0@example.org", EmailAddressError.ForbiddenCharacter)]
    [InlineData("a@example.org\n", EmailAddressError.ForbiddenCharacter)]
    [InlineData("a@exam\tple.org", EmailAddressError.ForbiddenCharacter)]
    [InlineData("a\u00A0b@example.org", EmailAddressError.ForbiddenCharacter)]
    [InlineData("a@example.org\u2028", EmailAddressError.ForbiddenCharacter)]
    [InlineData("a\u200Bb@example.org", EmailAddressError.ForbiddenCharacter)]
    [InlineData("a\u202Eb@example.org", EmailAddressError.ForbiddenCharacter)]
    [InlineData("a\uFE0F@example.org", EmailAddressError.ForbiddenCharacter)]
    [InlineData("a..b@example.org", EmailAddressError.Syntax)]
    [InlineData(".a@example.org", EmailAddressError.Syntax)]
    [InlineData("a.@example.org", EmailAddressError.Syntax)]
    [InlineData("a@@example.org", EmailAddressError.Syntax)]
    [InlineData("@example.org", EmailAddressError.Syntax)]
    [InlineData("example.org", EmailAddressError.Syntax)]
    [InlineData("user(comment)@example.org", EmailAddressError.Syntax)]
    [InlineData("<a@example.org>", EmailAddressError.Syntax)]
    [InlineData("a@example.org,b@example.org", EmailAddressError.Syntax)]
    [InlineData("mailto:a@example.org", EmailAddressError.Syntax)]
    [InlineData("a\\b@example.org", EmailAddressError.Syntax)]
    [InlineData("a＠example.org", EmailAddressError.Syntax)]
    [InlineData("\u0301a@example.org", EmailAddressError.Syntax)]
    [InlineData("a@b", EmailAddressError.Domain)]
    [InlineData("a@", EmailAddressError.Domain)]
    [InlineData("a@b.123", EmailAddressError.Domain)]
    [InlineData("a@127.0.0.1", EmailAddressError.Domain)]
    [InlineData("a@-example.org", EmailAddressError.Domain)]
    [InlineData("a@example-.org", EmailAddressError.Domain)]
    [InlineData("a@exa_mple.org", EmailAddressError.Domain)]
    [InlineData("a@[127.0.0.1]", EmailAddressError.Domain)]
    [InlineData("a@example.org.", EmailAddressError.Domain)]
    [InlineData("a@.example.org", EmailAddressError.Domain)]
    [InlineData("a@example..org", EmailAddressError.Domain)]
    [InlineData("a@xn--zz.org", EmailAddressError.Domain)]
    [InlineData("a@ab--cd.org", EmailAddressError.Domain)]
    public void Bad_addresses_are_refused_with_a_reason(string input, EmailAddressError expected)
    {
        Assert.False(EmailAddress.TryParse(input, out var address, out var error));
        Assert.Null(address);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Lone_surrogate_is_refused()
    {
        // Built here rather than in InlineData, whose serialisation would turn it into U+FFFD.
        var input = "a" + '\uD800' + "@example.org";
        Assert.False(EmailAddress.TryParse(input, out _, out var error));
        Assert.Equal(EmailAddressError.ForbiddenCharacter, error);
    }

    [Fact]
    public void Null_is_empty()
    {
        Assert.False(EmailAddress.TryParse(null, out _, out var error));
        Assert.Equal(EmailAddressError.Empty, error);
        Assert.Throws<ArgumentNullException>(() => EmailAddress.Parse(null!));
    }

    [Fact]
    public void Parse_throws_with_the_english_message()
    {
        var exception = Assert.Throws<FormatException>(() => EmailAddress.Parse("a@b"));
        Assert.Equal(EmailAddressMessages.For(EmailAddressError.Domain, "en"), exception.Message);
    }

    public static TheoryData<EmailAddressError> AllErrors => [.. Enum.GetValues<EmailAddressError>()];

    [Theory]
    [MemberData(nameof(AllErrors))]
    public void Every_error_has_a_message_in_both_languages(EmailAddressError error)
    {
        var english = EmailAddressMessages.For(error, "en");
        var arabic = EmailAddressMessages.For(error, "ar");
        Assert.False(string.IsNullOrWhiteSpace(english));
        Assert.False(string.IsNullOrWhiteSpace(arabic));
        Assert.Contains(arabic, c => c is >= '\u0621' and <= '\u064A');
        Assert.DoesNotContain(english, c => c is >= '\u0600' and <= '\u06FF');
    }

    [Fact]
    public void Messages_name_the_empty_case_plainly()
    {
        Assert.Equal("Enter your email address.", EmailAddressMessages.For(EmailAddressError.Empty, "en"));
        Assert.Equal("أدخل بريدك الإلكتروني.", EmailAddressMessages.For(EmailAddressError.Empty, "ar"));
    }

    [Fact]
    public void Unknown_language_or_error_is_a_bug()
    {
        Assert.Throws<ArgumentException>(() => EmailAddressMessages.For(EmailAddressError.Empty, "fr"));
        Assert.Throws<ArgumentOutOfRangeException>(() => EmailAddressMessages.For((EmailAddressError)99, "en"));
    }
}
