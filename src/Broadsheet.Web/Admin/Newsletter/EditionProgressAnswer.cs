namespace Broadsheet.Web.Admin.Newsletter;

/// <summary>
/// An edition's send in numbers, as JSON for the page's script: the edition's status, where the delivery engine stands
/// (in the admin's language), the counts, and whether it is over (the script then stops asking).
/// </summary>
public sealed record EditionProgressAnswer(
    string Edition, string State, int Recipients, int Sent, int Deferred, int Failed, int Waiting, int Skipped, int Bounced, int Complaints, bool Finished);
