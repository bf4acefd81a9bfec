using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Orleans.Dashboard;

namespace K8sWebhookHandler.Hosting.Management;

/// <summary>
/// The Orleans dashboard (<c>Microsoft.Orleans.Dashboard</c>: silos, grains, calls, reminders) at
/// <see cref="RoutePrefix"/> of the management port, behind its token like every management endpoint, when
/// <see cref="ManagementOptions.Dashboard"/> is on: the silos collect, the Api's client or in-process silo shows.
/// </summary>
public static class ManagementDashboard
{
    public const string RoutePrefix = "/dashboard";

    /// <summary>Collects the dashboard's statistics in this silo, when it is on.</summary>
    public static ISiloBuilder AddManagementDashboard(this ISiloBuilder silo, IConfiguration configuration) =>
        IsOn(configuration) ? silo.AddDashboard() : silo;

    /// <summary>Lets this cluster client show the dashboard, when it is on (the silos must collect it too).</summary>
    public static IClientBuilder AddManagementDashboard(this IClientBuilder client, IConfiguration configuration) =>
        IsOn(configuration) ? client.AddDashboard() : client;

    /// <summary>Maps the dashboard's page and API, when it is on; they belong to the management port.</summary>
    public static WebApplication MapManagementDashboard(this WebApplication app)
    {
        if (IsOn(app.Configuration))
        {
            app.MapOrleansDashboard(RoutePrefix);
        }

        return app;
    }

    private static bool IsOn(IConfiguration configuration) =>
        configuration.GetSection(ManagementOptions.Section).GetValue(nameof(ManagementOptions.Dashboard), true);
}
