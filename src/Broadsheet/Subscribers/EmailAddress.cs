using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Broadsheet.Subscribers;

/// <summary>
/// A validated, normalised address. Deliberately stricter than RFC 5322: only what a mail operator would
/// trust to deliver is accepted (a dot-atom local part, ASCII or SMTPUTF8 letters, and a real host name).
/// </summary>
public sealed class EmailAddress : IEquatable<EmailAddress>
{
    public const int MaxLength = 254;
    public const int MaxLocalPartLength = 64;
    public const int MaxDomainLength = 253;
    public const int MaxLabelLength = 63;

    /// <summary>Anything longer is refused before normalisation or IDN mapping, so hostile input costs little.</summary>
    public const int MaxInputLength = 1000;

    private static readonly SearchValues<char> AsciiAtomSymbols = SearchValues.Create("!#$%&'*+-/=?^_`{|}~");

    private EmailAddress(string localPart, string domain, string displayDomain)
    {
        LocalPart = localPart;
        Domain = domain;
        DisplayDomain = displayDomain;
        Value = string.Concat(localPart, "@", domain);
    }

    /// <summary>Local part in NFC with its case kept, "@", then the ASCII (punycode) lower-case domain.</summary>
    public string Value { get; }

    /// <summary>The part before the @, in NFC; case is kept because RFC 5321 lets the receiving server decide.</summary>
    public string LocalPart { get; }

    /// <summary>The domain in ASCII (punycode), lower-case.</summary>
    public string Domain { get; }

    /// <summary>The domain in Unicode, for showing to people.</summary>
    public string DisplayDomain { get; }

    public static bool TryParse(
        [NotNullWhen(true)] string? input,
        [NotNullWhen(true)] out EmailAddress? address,
        out EmailAddressError error)
    {
        error = Check(input, out var localPart, out var domain, out var displayDomain);
        address = error == EmailAddressError.None ? new EmailAddress(localPart, domain, displayDomain) : null;
        return address is not null;
    }

    /// <exception cref="FormatException">The address is refused; the message is the English one for the reader.</exception>
    public static EmailAddress Parse(string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return TryParse(input, out var address, out var error)
            ? address
            : throw new FormatException(EmailAddressMessages.For(error, Language.English));
    }

    public override string ToString() => Value;

    // The domain is already folded to lower case, so an ordinal comparison of Value is case-insensitive there and
    // case-sensitive in the local part, as RFC 5321 requires.
    public bool Equals(EmailAddress? other) => other is not null && string.Equals(Value, other.Value, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as EmailAddress);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    public static bool operator ==(EmailAddress? left, EmailAddress? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(EmailAddress? left, EmailAddress? right) => !(left == right);

    private static EmailAddressError Check(string? input, out string localPart, out string domain, out string displayDomain)
    {
        localPart = domain = displayDomain = string.Empty;
        if (input is null)
        {
            return EmailAddressError.Empty;
        }

        if (input.Length > MaxInputLength)
        {
            return EmailAddressError.TooLong;
        }

        // Only ASCII blanks are trimmed: anything more exotic at the ends is more likely a paste accident worth showing.
        var trimmed = input.Trim(' ', '\t');
        if (trimmed.Length == 0)
        {
            return EmailAddressError.Empty;
        }

        if (ContainsForbiddenCharacter(trimmed))
        {
            return EmailAddressError.ForbiddenCharacter;
        }

        // Safe now: lone surrogates, the only thing Normalize throws on, were refused above.
        var text = trimmed.Normalize(NormalizationForm.FormC);

        // Quotes, comments and '@' are never valid in the local parts accepted here, so splitting on the only '@'
        // cannot cut through a quoted string the way it would in full RFC 5322.
        if (text.AsSpan().Count('@') != 1)
        {
            return EmailAddressError.Syntax;
        }

        var at = text.IndexOf('@', StringComparison.Ordinal);
        var local = text[..at];
        var localError = CheckLocalPart(local);
        if (localError != EmailAddressError.None)
        {
            return localError;
        }

        if (!TryMapDomain(text[(at + 1)..], out domain, out displayDomain))
        {
            return EmailAddressError.Domain;
        }

        if (Encoding.UTF8.GetByteCount(local) + 1 + domain.Length > MaxLength)
        {
            return EmailAddressError.TooLong;
        }

        localPart = local;
        return EmailAddressError.None;
    }

    private static bool ContainsForbiddenCharacter(string text)
    {
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out var consumed) != OperationStatus.Done)
            {
                return true;
            }

            // Controls (CR, LF, NUL...) would let an address inject mail headers; whitespace means two addresses
            // were pasted or a quoted local part was attempted; format characters (bidi overrides, zero-width
            // spaces) and other invisible code points let two different addresses look identical.
            if (Rune.IsControl(rune)
                || Rune.IsWhiteSpace(rune)
                || Rune.GetUnicodeCategory(rune) == UnicodeCategory.Format
                || IsInvisible(rune.Value))
            {
                return true;
            }

            rest = rest[consumed..];
        }

        return false;
    }

    // Default-ignorable code points that are not in category Cf: they render as nothing, yet some are marks or
    // letters and would otherwise slip through the local-part rules below.
    private static bool IsInvisible(int codePoint) => codePoint
        is 0x034F
        or (>= 0x115F and <= 0x1160)
        or (>= 0x17B4 and <= 0x17B5)
        or (>= 0x180B and <= 0x180F)
        or 0x3164
        or (>= 0xFE00 and <= 0xFE0F)
        or 0xFFA0
        or (>= 0xFFF0 and <= 0xFFF8)
        or (>= 0xE0000 and <= 0xE0FFF);

    private static EmailAddressError CheckLocalPart(string local)
    {
        if (local.Length == 0)
        {
            return EmailAddressError.Syntax;
        }

        var atomStart = true;
        foreach (var rune in local.EnumerateRunes())
        {
            if (rune.Value == '.')
            {
                if (atomStart)
                {
                    return EmailAddressError.Syntax;
                }

                atomStart = true;
                continue;
            }

            if (!IsAtomRune(rune, atomStart))
            {
                return EmailAddressError.Syntax;
            }

            atomStart = false;
        }

        if (atomStart)
        {
            return EmailAddressError.Syntax;
        }

        // The SMTP limit is in octets, so an Arabic local part reaches it at about half as many characters.
        return Encoding.UTF8.GetByteCount(local) > MaxLocalPartLength
            ? EmailAddressError.LocalPartTooLong
            : EmailAddressError.None;
    }

    private static bool IsAtomRune(Rune rune, bool atomStart)
    {
        if (rune.IsAscii)
        {
            var c = (char)rune.Value;
            return char.IsAsciiLetterOrDigit(c) || AsciiAtomSymbols.Contains(c);
        }

        if (Rune.IsLetterOrDigit(rune))
        {
            return true;
        }

        // A combining mark needs a base character to sit on; at the start of an atom it would attach to the
        // dot (or to nothing) and render misleadingly.
        return !atomStart && Rune.GetUnicodeCategory(rune)
            is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;
    }

    private static bool TryMapDomain(string input, out string ascii, out string display)
    {
        ascii = display = string.Empty;
        if (input.Length == 0)
        {
            return false;
        }

        // IdnMapping's instance members are not documented as thread-safe, and a new one is cheap.
        var idn = new IdnMapping { UseStd3AsciiRules = true };
        try
        {
            ascii = ToAsciiLower(idn.GetAscii(input));
            display = idn.GetUnicode(ascii);

            // Refuses hand-made punycode that decodes but is not what the Unicode name encodes to, so one
            // domain cannot be spelled two ways and slip past de-duplication.
            if (!string.Equals(ToAsciiLower(idn.GetAscii(display)), ascii, StringComparison.Ordinal))
            {
                return false;
            }
        }
        catch (ArgumentException)
        {
            return false;
        }

        return IsHostName(ascii);
    }

    // IdnMapping leaves all-ASCII input as typed, so case is folded here; the text is ASCII, so no culture applies.
    private static string ToAsciiLower(string ascii) => string.Create(ascii.Length, ascii, static (span, source) =>
    {
        for (var i = 0; i < source.Length; i++)
        {
            span[i] = char.IsAsciiLetterUpper(source[i]) ? (char)(source[i] | 0x20) : source[i];
        }
    });

    // IdnMapping already applies most of these rules; they are checked again on the ASCII result so that the
    // guarantee does not depend on which IDN implementation (ICU, NLS) the platform provides.
    private static bool IsHostName(string ascii)
    {
        if (ascii.Length > MaxDomainLength)
        {
            return false;
        }

        var labels = ascii.Split('.');
        if (labels.Length < 2)
        {
            return false;
        }

        foreach (var label in labels)
        {
            if (label.Length is 0 or > MaxLabelLength
                || label[0] == '-'
                || label[^1] == '-'
                || !label.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            {
                return false;
            }
        }

        // An all-numeric last label is no TLD at all; it is how "user@127.0.0.1" would sneak in.
        return !labels[^1].All(char.IsAsciiDigit);
    }
}
