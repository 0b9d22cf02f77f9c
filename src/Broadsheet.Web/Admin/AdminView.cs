using Broadsheet.Staff;

namespace Broadsheet.Web.Admin;

/// <summary>What every admin page's frame needs: who is signed in, in which language, the page's title and its form token.</summary>
public sealed record AdminView
{
    /// <summary>Null on the pages before signing in (set-up, sign-in, reset, invitation).</summary>
    public StaffMember? Member { get; init; }

    public required string Language { get; init; }
    public required string Title { get; init; }

    /// <summary>The antiforgery token for this response's forms (the cookie half was set with it).</summary>
    public required string Antiforgery { get; init; }

    /// <summary>The request path, for marking the current section in the navigation.</summary>
    public required string Path { get; init; }

    /// <summary>A one-line confirmation of what the last action did (after its redirect), or null.</summary>
    public string? Notice { get; init; }

    /// <summary>Why the last form was refused, or null.</summary>
    public string? Error { get; init; }

    public AdminText Text => AdminText.For(Language);
}
