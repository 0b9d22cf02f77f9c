namespace Broadsheet.Subscribers;

public enum ConsentAction
{
    Signup,
    Confirm,
    Unsubscribe,
    Resubscribe,
    PreferencesChanged,

    /// <summary>The address bounced for good (or softly three times in 30 days): mail stopped, not the reader's choice.</summary>
    Bounced,

    /// <summary>The reader marked a newsletter as spam: treated as an unsubscribe.</summary>
    Complained,
}
