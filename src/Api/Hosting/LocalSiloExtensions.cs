using K8sWebhookHandler.Grains.Health;
using K8sWebhookHandler.Api.Webhooks;
using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Grains.Repositories;
using K8sWebhookHandler.Grains.Storage;
using Orleans.Runtime.Hosting;

namespace K8sWebhookHandler.Api.Hosting;

/// <summary>Settings of the in-process silo of the local all-in-one mode.</summary>
public sealed class LocalSiloOptions
{
    public const string Section = "Handler:Local";

    /// <summary>Silo-to-silo port on loopback.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Client gateway port on loopback.</summary>
    public int GatewayPort { get; set; } = 30000;
}

public static class LocalSiloExtensions
{
    public const string DefaultUrl = "http://localhost:8080";

    /// <summary>Webhook intake, options, the repository grain's services and readiness checks.</summary>
    public static WebApplicationBuilder AddWebhookHandler(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
        {
            // The Go handler's port, on loopback unless --urls or ASPNETCORE_URLS says otherwise.
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Services.AddHandlerOptions(builder.Configuration, requireWebhookSecret: true);
        builder.Services.AddWebhookIntake();
        builder.Services.AddHealthChecks().AddCheck<GrainStorageHealthCheck>("grain-storage");
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(json =>
            json.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.KebabCaseLower)));
        return builder;
    }

    /// <summary>
    /// <c>Handler:Mode</c> <c>Local</c> (default): the all-in-one mode below; <c>Cluster</c>: an Orleans client of the
    /// silo cluster whose membership is in Redis (<c>Handler:Cluster</c>).
    /// </summary>
    public static WebApplicationBuilder AddOrleans(this WebApplicationBuilder builder)
    {
        var mode = builder.Configuration.GetValue("Handler:Mode", HostingMode.Local);
        return mode == HostingMode.Cluster ? builder.AddClusterClient() : builder.AddLocalSilo();
    }

    /// <summary>The Api as a client of the silo cluster: no grains here, no state here, no Kubernetes access.</summary>
    public static WebApplicationBuilder AddClusterClient(this WebApplicationBuilder builder)
    {
        var cluster = builder.Configuration.GetSection(ClusterSettings.Section).Get<ClusterSettings>() ?? new ClusterSettings();
        cluster.Validate();
        var redis = StackExchange.Redis.ConfigurationOptions.Parse(cluster.RedisConnectionString);
        builder.UseOrleansClient(client =>
        {
            client.Configure<Orleans.Configuration.ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            client.UseRedisClustering(o => o.ConfigurationOptions = redis);
            client.Services.Configure<Orleans.Configuration.ClientMessagingOptions>(builder.Configuration.GetSection("Orleans:Messaging"));
        });
        return builder;
    }

    /// <summary>
    /// The local all-in-one mode: a silo in this process with localhost clustering and durable file-backed
    /// grain storage under <c>DataDirectory/grains</c>; at start-up, repositories with pending deliveries are woken.
    /// </summary>
    public static WebApplicationBuilder AddLocalSilo(this WebApplicationBuilder builder)
    {
        var handler = builder.Configuration.GetSection(HandlerOptions.Section).Get<HandlerOptions>() ?? new HandlerOptions();
        var silo = builder.Configuration.GetSection(LocalSiloOptions.Section).Get<LocalSiloOptions>() ?? new LocalSiloOptions();
        var storage = new FileGrainStorage(Path.Combine(handler.DataDirectory, "grains"));
        builder.Services.AddSingleton(storage);
        builder.Services.AddRepositoryProcessing();
        builder.Services.AddHealthChecks().AddCheck<KubernetesHealthCheck>("kubernetes");
        builder.UseOrleans(orleans =>
        {
            orleans.UseLocalhostClustering(silo.SiloPort, silo.GatewayPort);
            orleans.Services.AddGrainStorage(StorageNames.Repositories, (_, _) => storage);
            // Not durable, and need not be: at start-up PendingDeliveryRecovery wakes what the files say is pending.
            orleans.UseInMemoryReminderService();
        });
        builder.Services.AddHostedService<PendingDeliveryRecovery>();
        return builder;
    }
}
