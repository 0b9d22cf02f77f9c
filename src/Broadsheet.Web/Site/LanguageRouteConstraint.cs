namespace Broadsheet.Web.Site;

/// <summary>Matches a route segment only when it is one of the site's languages.</summary>
internal sealed class LanguageRouteConstraint : IRouteConstraint
{
    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
        values.TryGetValue(routeKey, out var value) && value is string code && Language.IsSupported(code);
}
