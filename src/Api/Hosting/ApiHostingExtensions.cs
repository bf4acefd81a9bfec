using K8sWebhookHandler.Api.Inspection;
using K8sWebhookHandler.Api.Webhooks;
using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Grains.Health;
using K8sWebhookHandler.Grains.Hosting;
using K8sWebhookHandler.Grains.Repositories;
using K8sWebhookHandler.Grains.Storage;
using K8sWebhookHandler.Hosting.Management;
using K8sWebhookHandler.Hosting.WarmUp;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Hosting;

namespace K8sWebhookHandler.Api.Hosting;

public static class ApiHostingExtensions
{
    /// <summary>
    /// What the Api runs in <paramref name="mode"/> besides Orleans itself, with every option it reads: webhook intake,
    /// the readiness of grain storage and the data directory, and the warm-up of intake and the grain calls before it is
    /// ready; in the local mode also the repository grains' services, their journal (and the file storage of earlier
    /// versions) and the warm-up of the inbox's rules and the manifest path; in the cluster mode the cluster's settings. The start-up check
    /// validates exactly these.
    /// </summary>
    public static IServiceCollection AddHandlerServices(this IServiceCollection services, HostingMode mode, IConfiguration configuration)
    {
        services.AddWebhookIntake().AddDataDirectory().AddManagementOptions().AddInspectionPage();
        services.AddWarmUpStep<IntakeWarmUp>().AddWarmUpStep<GrainWarmUp>();
        var checks = services.AddHealthChecks().AddCheck<GrainStorageHealthCheck>("grain-storage");
        if (mode == HostingMode.Cluster)
        {
            return services.AddClusterClientOptions();
        }

        services.AddLocalSiloOptions().AddRepositoryGrains(configuration).AddWarmUpStep<InboxWarmUp>().AddWarmUpStep<ManifestWarmUp>();
        services.AddSingleton(sp => new FileGrainStorage(Path.Combine(DataDirectoryOf(sp), "grains")));
        services.AddSqliteJournal(sp => Path.Combine(DataDirectoryOf(sp), JournalServiceCollectionExtensions.LocalJournalFile));
        checks.AddCheck<KubernetesHealthCheck>("kubernetes");
        return services;
    }

    private static string DataDirectoryOf(IServiceProvider services) => services.GetRequiredService<IOptions<DataDirectoryOptions>>().Value.DataDirectory;

    /// <summary>Binds and validates <see cref="LocalSiloOptions"/> (<c>Handler:Local:*</c>).</summary>
    public static IServiceCollection AddLocalSiloOptions(this IServiceCollection services) =>
        services.AddValidatedOptions<LocalSiloOptions, LocalSiloOptionsValidator>(LocalSiloOptions.Section);

    /// <summary>The Api's services in the configured <c>Handler:Mode</c> (<see cref="AddHandlerServices"/>) and how it answers.</summary>
    public static WebApplicationBuilder AddWebhookHandler(this WebApplicationBuilder builder)
    {
        builder.AddManagementListener();
        builder.Services.AddHandlerServices(builder.Configuration.GetHostingMode(), builder.Configuration);
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(json =>
            json.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.KebabCaseLower)));
        return builder;
    }

    /// <summary>
    /// <c>Handler:Mode</c> <c>Local</c> (default): the all-in-one mode below; <c>Cluster</c>: an Orleans client of the
    /// silo cluster whose membership is in Redis (<c>Handler:Cluster</c>).
    /// </summary>
    public static WebApplicationBuilder AddOrleans(this WebApplicationBuilder builder) =>
        builder.Configuration.GetHostingMode() == HostingMode.Cluster ? builder.AddClusterClient() : builder.AddLocalSilo();

    /// <summary>The Api as a client of the silo cluster: no grains here, no state here, no Kubernetes access.</summary>
    public static WebApplicationBuilder AddClusterClient(this WebApplicationBuilder builder)
    {
        var cluster = ValidatedOptions.Get<SiloClusterOptions>(builder.Configuration, services => services.AddClusterClientOptions());
        var redis = cluster.Redis();
        builder.UseOrleansClient(client =>
        {
            client.Configure<Orleans.Configuration.ClusterOptions>(cluster.Identify);
            client.AddActivityPropagation();
            client.UseRedisClustering(o => o.ConfigurationOptions = redis);
            client.Services.Configure<Orleans.Configuration.ClientMessagingOptions>(builder.Configuration.GetSection("Orleans:Messaging"));
            client.AddManagementDashboard(builder.Configuration);
        });
        return builder;
    }

    /// <summary>
    /// The local all-in-one mode: a silo in this process with localhost clustering, the repositories' journal in
    /// <c>DataDirectory/journal.db</c> and the state files of earlier versions under <c>DataDirectory/grains</c>, read
    /// until each repository's first write moves them into the journal (both registered by <see cref="AddHandlerServices"/>);
    /// at start-up, repositories with pending deliveries are woken.
    /// </summary>
    public static WebApplicationBuilder AddLocalSilo(this WebApplicationBuilder builder)
    {
        var silo = ValidatedOptions.Get<LocalSiloOptions>(builder.Configuration, services => services.AddLocalSiloOptions());
        builder.UseOrleans(orleans =>
        {
            orleans.UseLocalhostClustering(silo.SiloPort, silo.GatewayPort);
            orleans.AddActivityPropagation();
            orleans.Services.AddGrainStorage(StorageNames.Repositories, (sp, _) => sp.GetRequiredService<FileGrainStorage>());
            // Not durable, and need not be: at start-up PendingDeliveryRecovery wakes what the files say is pending.
            orleans.UseInMemoryReminderService();
            orleans.AddManagementDashboard(builder.Configuration);
        });

        // After the silo: hosted services start in order, and the recovery calls grains.
        builder.Services.AddHostedService<PendingDeliveryRecovery>();
        builder.Services.AddHostedService<SingletonStarter>();
        return builder;
    }
}
