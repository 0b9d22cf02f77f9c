namespace Broadsheet.Subscribers;

public enum ConsentAction
{
    Signup,
    Confirm,
    Unsubscribe,
    Resubscribe,
    PreferencesChanged,
}
