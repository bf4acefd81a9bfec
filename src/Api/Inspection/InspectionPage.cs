using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Hosting.Management;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Api.Inspection;

public static class InspectionPage
{
    /// <summary>
    /// The page allows itself only its own origin: no inline script, nothing fetched from elsewhere, no form that
    /// navigates (the token form is handled by the script, so a token never lands in a URL).
    /// </summary>
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
        "form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>
    /// Binds and validates <see cref="InspectionPageOptions"/>; the workflow link template defaults to
    /// <c>Handler:GitHub:WorkflowUrl</c>.
    /// </summary>
    public static IServiceCollection AddInspectionPage(this IServiceCollection services)
    {
        services.AddSingleton<PageAssets>();
        return services.AddValidatedOptions<InspectionPageOptions, InspectionPageOptionsValidator>(InspectionPageOptions.Section, options =>
            options.PostConfigure<IConfiguration>((page, configuration) =>
            {
                if (string.IsNullOrEmpty(page.WorkflowUrl) && configuration["Handler:GitHub:WorkflowUrl"] is { Length: > 0 } github)
                {
                    page.WorkflowUrl = github;
                }
            }));
    }

    /// <summary>
    /// <c>GET /</c> of the management port: the inspection page (repositories, their deliveries, one delivery, delivery recovery; live), with
    /// its script and style under <c>/page/</c>, all served without a token. <c>GET /api/settings</c> (behind the token):
    /// what the page reads besides the inspection API, today the <c>workflowUrl</c> template it fills in for each applied
    /// Workflow (null when none is configured).
    /// </summary>
    public static IEndpointRouteBuilder MapInspectionPage(this IEndpointRouteBuilder app)
    {
        foreach (var path in PageAssets.Paths)
        {
            // The page's own files hold no data: the management port serves them without a token, so that the page can ask for one.
            app.MapGet(path, (HttpContext context, PageAssets assets) => Serve(context, assets[path])).WithoutManagementToken();
        }

        app.MapGet("/api/settings", (IOptions<InspectionPageOptions> options) => TypedResults.Ok(new PageSettings(options.Value.WorkflowUrl)));
        return app;
    }

    private static IResult Serve(HttpContext context, PageAssets.Asset asset)
    {
        var headers = context.Response.Headers;
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers["Referrer-Policy"] = "no-referrer";
        return TypedResults.Bytes(asset.Content, asset.ContentType);
    }

    /// <summary>The answer of <c>GET /api/settings</c>.</summary>
    /// <param name="WorkflowUrl">The Argo link template, with <c>{namespace}</c> and <c>{name}</c>; null for no links.</param>
    public sealed record PageSettings(string? WorkflowUrl);
}
