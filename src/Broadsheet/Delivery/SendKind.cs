namespace Broadsheet.Delivery;

public enum SendKind
{
    /// <summary>One double opt-in mail to one pending subscriber.</summary>
    Confirmation,

    /// <summary>A digest edition in one language, to the active subscribers of that language.</summary>
    Edition,

    /// <summary>A one-off (special) edition, to the active subscribers of its language.</summary>
    Campaign,
}
