namespace Broadsheet.Subscribers;

/// <summary>Short messages for the subscribe form, in the language of the page the reader is on.</summary>
public static class EmailAddressMessages
{
    /// <param name="error">What was wrong with the address.</param>
    /// <param name="language"><see cref="Language.English"/> or <see cref="Language.Arabic"/>.</param>
    public static string For(EmailAddressError error, string language) => language switch
    {
        Language.English => English(error),
        Language.Arabic => Arabic(error),
        // Falling back silently would show an Arabic reader English (or the reverse) without anyone noticing.
        _ => throw new ArgumentException($"Unsupported language '{language}'.", nameof(language)),
    };

    private static string English(EmailAddressError error) => error switch
    {
        EmailAddressError.None => "This email address looks right.",
        EmailAddressError.Empty => "Enter your email address.",
        EmailAddressError.TooLong => "This email address is too long.",
        EmailAddressError.LocalPartTooLong => "The part before the @ is too long.",
        EmailAddressError.ForbiddenCharacter => "Remove the spaces or hidden characters from your email address.",
        EmailAddressError.Syntax => "Enter an email address in the form name@example.com.",
        EmailAddressError.Domain => "Check the part after the @; it should be a domain such as example.com.",
        _ => throw new ArgumentOutOfRangeException(nameof(error), error, null),
    };

    private static string Arabic(EmailAddressError error) => error switch
    {
        EmailAddressError.None => "عنوان البريد الإلكتروني يبدو صحيحًا.",
        EmailAddressError.Empty => "أدخل بريدك الإلكتروني.",
        EmailAddressError.TooLong => "عنوان البريد الإلكتروني طويل جدًا.",
        EmailAddressError.LocalPartTooLong => "الجزء الذي يسبق @ طويل جدًا.",
        EmailAddressError.ForbiddenCharacter => "احذف المسافات أو الرموز غير المرئية من بريدك الإلكتروني.",
        EmailAddressError.Syntax => "أدخل بريدًا إلكترونيًا بالشكل name@example.com.",
        EmailAddressError.Domain => "تحقّق من الجزء الذي يلي @، إذ يجب أن يكون نطاقًا مثل example.com.",
        _ => throw new ArgumentOutOfRangeException(nameof(error), error, null),
    };
}
