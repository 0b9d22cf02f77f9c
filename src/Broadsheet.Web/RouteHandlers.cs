namespace Broadsheet.Web;

/// <summary>What the request delegate generator (see Broadsheet.Web.csproj) asks of a route handler.</summary>
internal static class RouteHandlers
{
    /// <summary>
    /// Why a handler that renders a page is declared to return <see cref="IResult"/>: the generator writes the
    /// handler's return type into its code, and it cannot see Razor component types (another source generator's output).
    /// </summary>
    public const string ReturnsIResult = "The request delegate generator cannot name a Razor component type";
}
