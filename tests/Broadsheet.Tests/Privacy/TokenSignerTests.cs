using System.Security.Cryptography;
using Broadsheet.Privacy;
using Microsoft.Extensions.Time.Testing;

namespace Broadsheet.Tests.Privacy;

public sealed class TokenSignerTests
{
    private const string Unsubscribe = "unsubscribe";
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 30, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly PrivacyKeys _keys = PrivacyKeys.FromMaster(RandomNumberGenerator.GetBytes(32));

    private TokenSigner Signer => new(_keys, _time);

    [Fact]
    public void A_token_round_trips()
    {
        var nonce = Guid.NewGuid();

        var token = Signer.Create(Unsubscribe, 4_200_000_017, TimeSpan.FromDays(7), nonce);
        var payload = Signer.Validate(token, Unsubscribe);

        Assert.NotNull(payload);
        Assert.Equal(new TokenPayload(Unsubscribe, 4_200_000_017, Start.AddDays(7), nonce), payload);
    }

    [Theory]
    [InlineData("confirm", 1L)]
    [InlineData("manage", 0L)]
    [InlineData("x", -1L)]
    [InlineData("تأكيد", long.MaxValue)]
    [InlineData("confirm/v2", long.MinValue)]
    public void Any_purpose_and_subject_round_trip(string purpose, long subjectId)
    {
        var token = Signer.Create(purpose, subjectId, TimeSpan.FromHours(1));

        var payload = Signer.Validate(token, purpose);

        Assert.NotNull(payload);
        Assert.Equal(purpose, payload.Purpose);
        Assert.Equal(subjectId, payload.SubjectId);
    }

    [Fact]
    public void Tokens_get_a_fresh_nonce_by_default()
    {
        var first = Signer.Create(Unsubscribe, 7, lifetime: null);
        var second = Signer.Create(Unsubscribe, 7, lifetime: null);

        Assert.NotEqual(first, second);
        Assert.NotEqual(Signer.Validate(first, Unsubscribe)!.Nonce, Signer.Validate(second, Unsubscribe)!.Nonce);
    }

    [Fact]
    public void A_token_for_another_purpose_is_refused()
    {
        var token = Signer.Create("confirm", 7, TimeSpan.FromDays(1));

        Assert.Null(Signer.Validate(token, Unsubscribe));
        Assert.Null(Signer.Validate(token, "Confirm"));
        Assert.Null(Signer.Validate(token, "confirm "));
    }

    [Fact]
    public void Changing_any_character_of_the_payload_or_signature_is_refused()
    {
        var token = Signer.Create(Unsubscribe, 7, TimeSpan.FromDays(1), Guid.NewGuid());

        for (var i = 0; i < token.Length; i++)
        {
            if (token[i] == '.')
            {
                continue;
            }

            // Every other character at every position, so the unused low bits of the last
            // base64 character in each part are covered too.
            foreach (var replacement in Alphabet)
            {
                if (replacement == token[i])
                {
                    continue;
                }

                var tampered = string.Concat(token.AsSpan(0, i), replacement.ToString(), token.AsSpan(i + 1));
                Assert.Null(Signer.Validate(tampered, Unsubscribe));
            }
        }
    }

    [Fact]
    public void A_signature_moved_onto_another_payload_is_refused()
    {
        var one = Signer.Create(Unsubscribe, 7, TimeSpan.FromDays(1));
        var other = Signer.Create(Unsubscribe, 8, TimeSpan.FromDays(1));

        var spliced = one.Split('.')[0] + "." + other.Split('.')[1];

        Assert.Null(Signer.Validate(spliced, Unsubscribe));
    }

    [Fact]
    public void A_token_expires_at_the_end_of_its_lifetime()
    {
        var token = Signer.Create(Unsubscribe, 7, TimeSpan.FromHours(1));

        _time.Advance(TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1));
        Assert.NotNull(Signer.Validate(token, Unsubscribe));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(Signer.Validate(token, Unsubscribe));

        _time.Advance(TimeSpan.FromDays(365));
        Assert.Null(Signer.Validate(token, Unsubscribe));
    }

    [Fact]
    public void A_token_without_a_lifetime_never_expires()
    {
        var token = Signer.Create(Unsubscribe, 7, lifetime: null);

        _time.Advance(TimeSpan.FromDays(365 * 100));
        var payload = Signer.Validate(token, Unsubscribe);

        Assert.NotNull(payload);
        Assert.Null(payload.ExpiresAt);
    }

    [Fact]
    public void A_token_from_another_key_is_refused()
    {
        var foreign = new TokenSigner(PrivacyKeys.FromMaster(RandomNumberGenerator.GetBytes(32)), _time)
            .Create(Unsubscribe, 7, TimeSpan.FromDays(1));

        Assert.Null(Signer.Validate(foreign, Unsubscribe));
    }

    public static TheoryData<string> Garbage => new()
    {
        "",
        ".",
        "..",
        "a.b",
        " ",
        "😀.😀",
        "😀",
        "AAAA.AAAAAAAAAAAAAAAAAAAAAA",
        ".AAAAAAAAAAAAAAAAAAAAAA",
        "AAAA.",
        new string('A', 10_000),
        new string('A', 10_000) + "." + new string('A', 22),
        new string('.', 10_000),
        "\0.\0",
        "AQ==.AAAAAAAAAAAAAAAAAAAAAA",
        "%41%41.%41",
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public void Garbage_is_refused_without_throwing(string garbage)
    {
        Assert.Null(Signer.Validate(garbage, Unsubscribe));
    }

    [Fact]
    public void A_missing_token_is_refused_without_throwing()
    {
        Assert.Null(Signer.Validate(null, Unsubscribe));
    }

    [Fact]
    public void Decorated_copies_of_a_valid_token_are_refused()
    {
        var token = Signer.Create(Unsubscribe, 7, TimeSpan.FromDays(1));
        Assert.NotNull(Signer.Validate(token, Unsubscribe));

        string[] decorated =
        [
            token + " ",
            " " + token,
            token + "=",
            token + ".",
            token + "." + token.Split('.')[1],
            token.Replace(".", "..", StringComparison.Ordinal),
            token.Split('.')[0] + "=." + token.Split('.')[1],
            token.Split('.')[0] + "." + token.Split('.')[1] + "==",
            token.ToUpperInvariant(),
            token[..^1],
            token[1..],
        ];

        Assert.All(decorated, d => Assert.Null(Signer.Validate(d, Unsubscribe)));
    }

    [Fact]
    public void Random_inputs_and_mutations_never_throw()
    {
        var random = new Random(20260301);
        var token = Signer.Create(Unsubscribe, 7, TimeSpan.FromDays(1));

        for (var i = 0; i < 5_000; i++)
        {
            var chars = token.ToCharArray();
            var mutations = random.Next(1, 4);
            for (var m = 0; m < mutations; m++)
            {
                chars[random.Next(chars.Length)] = (char)random.Next(0, 0x10000);
            }

            Assert.Null(Signer.Validate(new string(chars), Unsubscribe));

            var noise = new char[random.Next(0, 600)];
            for (var c = 0; c < noise.Length; c++)
            {
                noise[c] = random.Next(4) == 0 ? '.' : Alphabet[random.Next(Alphabet.Length)];
            }

            Assert.Null(Signer.Validate(new string(noise), Unsubscribe));
        }
    }

    [Fact]
    public void Tokens_are_url_safe()
    {
        string[] tokens =
        [
            Signer.Create(Unsubscribe, 7, TimeSpan.FromDays(1)),
            Signer.Create("تأكيد الاشتراك", long.MaxValue, lifetime: null),
            Signer.Create(new string('p', 255), long.MinValue, TimeSpan.FromDays(3650)),
            .. Enumerable.Range(0, 200).Select(i => Signer.Create("confirm", i, TimeSpan.FromMinutes(i + 1))),
        ];

        Assert.All(tokens, token =>
        {
            Assert.All(token, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.', $"'{c}' in {token}"));
            Assert.Equal(token, Uri.EscapeDataString(token));
            Assert.Single(token, c => c == '.');
        });
    }

    [Fact]
    public void The_longest_purpose_still_fits_the_length_cap()
    {
        var purpose = new string('p', 255);

        var token = Signer.Create(purpose, long.MaxValue, TimeSpan.FromDays(1));

        Assert.True(token.Length <= 512);
        Assert.Equal(purpose, Signer.Validate(token, purpose)?.Purpose);
    }

    [Fact]
    public void Create_refuses_bad_arguments()
    {
        Assert.ThrowsAny<ArgumentException>(() => Signer.Create("", 7, null));
        Assert.ThrowsAny<ArgumentException>(() => Signer.Create(null!, 7, null));
        Assert.ThrowsAny<ArgumentException>(() => Signer.Create(new string('p', 256), 7, null));
        Assert.ThrowsAny<ArgumentException>(() => Signer.Create(new string('ت', 128), 7, null));
        Assert.ThrowsAny<ArgumentException>(() => Signer.Create(Unsubscribe, 7, TimeSpan.Zero));
        Assert.ThrowsAny<ArgumentException>(() => Signer.Create(Unsubscribe, 7, TimeSpan.FromSeconds(-1)));
        Assert.Throws<ArgumentNullException>(() => new TokenSigner(_keys, null!));
        Assert.Throws<ArgumentNullException>(() => new TokenSigner(null!, _time));
    }
}
