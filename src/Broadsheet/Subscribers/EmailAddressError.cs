namespace Broadsheet.Subscribers;

/// <summary>Why an email address was refused; <see cref="EmailAddressMessages"/> turns each into words for the reader.</summary>
public enum EmailAddressError
{
    /// <summary>The address is acceptable.</summary>
    None,

    /// <summary>Nothing was typed, or only spaces and tabs.</summary>
    Empty,

    /// <summary>The whole address is over 254 octets (or the input over 1,000 characters).</summary>
    TooLong,

    /// <summary>The part before the @ is over 64 octets in UTF-8.</summary>
    LocalPartTooLong,

    /// <summary>A control character, whitespace or an invisible character appears somewhere in the address.</summary>
    ForbiddenCharacter,

    /// <summary>The shape is wrong: not exactly one @, quotes, comments, brackets, stray punctuation or misplaced dots.</summary>
    Syntax,

    /// <summary>The part after the @ is not a usable internet host name.</summary>
    Domain,
}
