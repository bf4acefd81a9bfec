using K8sWebhookHandler.Grains.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Hosting.Management;

/// <summary>
/// The second listener of each host: <see cref="ManagementOptions.Urls"/> beside the public URLs, the gate that keeps
/// each to its endpoints (<see cref="ListenerGate"/>), and the session endpoint that turns a token into a cookie.
/// </summary>
public static class ManagementListener
{
    /// <summary>Binds and validates <see cref="ManagementOptions"/> (<c>Handler:Management:*</c>).</summary>
    public static IServiceCollection AddManagementOptions(this IServiceCollection services) =>
        services.AddValidatedOptions<ManagementOptions, ManagementOptionsValidator>(ManagementOptions.Section);

    /// <summary>Listens on the public URLs and the management URLs (settings as validated at start).</summary>
    public static WebApplicationBuilder AddManagementListener(this WebApplicationBuilder builder)
    {
        var management = builder.Configuration.GetSection(ManagementOptions.Section).Get<ManagementOptions>() ?? new ManagementOptions();
        var publicUrls = ListenerUrls.Public(builder.Configuration);
        builder.Configuration[ListenerUrls.PublicKey] = string.Join(';', publicUrls);
        builder.WebHost.UseUrls([.. publicUrls, .. management.UrlList]);
        builder.Services.AddManagementOptions();
        builder.Services.AddSingleton(sp => new ManagementTokens(sp.GetRequiredService<IOptions<ManagementOptions>>().Value.Tokens));
        return builder;
    }

    /// <summary>
    /// The gate (after routing, before any endpoint) and <c>POST /api/session</c> / <c>DELETE /api/session</c>: with a
    /// valid bearer token, sets the session cookie (HttpOnly, SameSite=Strict, Secure over HTTPS) a browser sends to
    /// pages it opens itself; DELETE removes it.
    /// </summary>
    public static WebApplication UseManagementListener(this WebApplication app)
    {
        app.UseRouting();
        app.UseMiddleware<ListenerGate>();
        app.MapPost("/api/session", StartSession);
        app.MapDelete("/api/session", (HttpContext context) =>
        {
            context.Response.Cookies.Delete(ManagementTokens.CookieName, CookieFor(context));
            return Results.NoContent();
        });
        return app;
    }

    private static IResult StartSession(HttpContext context, ManagementTokens tokens)
    {
        if (tokens.Required)
        {
            var session = tokens.SessionFor(context.Request);
            if (session is null)
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "a bearer token is needed",
                    detail: "send the token as 'Authorization: Bearer <token>' to start a session");
            }

            context.Response.Cookies.Append(ManagementTokens.CookieName, session, CookieFor(context));
        }

        return Results.NoContent();
    }

    private static CookieOptions CookieFor(HttpContext context) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = context.Request.IsHttps,
        Path = "/",
        IsEssential = true,
    };
}
