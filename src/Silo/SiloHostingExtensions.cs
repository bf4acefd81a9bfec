using System.Net;
using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Grains.Health;
using K8sWebhookHandler.Grains.Hosting;
using K8sWebhookHandler.Grains.Repositories;
using K8sWebhookHandler.Grains.Storage;
using K8sWebhookHandler.Hosting;
using K8sWebhookHandler.Hosting.Management;
using K8sWebhookHandler.Hosting.WarmUp;
using Orleans.Configuration;
using StackExchange.Redis;

namespace K8sWebhookHandler.Silo;

public static class SiloHostingExtensions
{
    /// <summary>The name the program's start-up problems are printed under.</summary>
    public const string Name = "k8s-webhook-handler silo";

    /// <summary>The <c>service.name</c> of the silo's spans unless <c>OTEL_SERVICE_NAME</c> says otherwise.</summary>
    public const string ServiceName = "k8s-webhook-handler-silo";

    /// <summary>
    /// Whether the silo's settings can work (<see cref="AddSiloServices"/>); each problem is printed on standard error, and
    /// the program then exits with <see cref="StartupProblems.ExitCode"/>.
    /// </summary>
    public static bool CanStart(this WebApplicationBuilder builder) =>
        builder.Configuration.CanStart(Name, services => services.AddSiloServices(builder.Configuration), Console.Error);

    /// <summary>
    /// What a silo runs, with every option it reads: the repository grains' services, the cluster's settings, and the
    /// warm-up of the grain calls, the inbox's rules and the manifest path before it is ready.
    /// </summary>
    public static IServiceCollection AddSiloServices(this IServiceCollection services, IConfiguration configuration) =>
        services.AddClusterSiloOptions().AddManagementOptions().AddRepositoryGrains(configuration).AddWarmUpStep<GrainWarmUp>().AddWarmUpStep<InboxWarmUp>().AddWarmUpStep<ManifestWarmUp>();

    /// <summary>
    /// A silo of the cluster: Redis for membership, grain storage (plain JSON, see <see cref="StateJsonGrainStorageSerializer"/>)
    /// and reminders, so that a repository grain moves to another silo with its state and its pending deliveries.
    /// </summary>
    public static WebApplicationBuilder AddClusterSilo(this WebApplicationBuilder builder)
    {
        var cluster = ValidatedOptions.Get<SiloClusterOptions>(builder.Configuration, services => services.AddClusterSiloOptions());
        var redis = cluster.Redis();
        builder.AddManagementListener();
        builder.Services.AddSiloServices(builder.Configuration);
        builder.Services.AddRedisJournal(redis, cluster.ServiceId);
        builder.Services.AddHealthChecks()
            .AddCheck<GrainStorageHealthCheck>("grain-storage")
            .AddCheck<KubernetesHealthCheck>("kubernetes");
        builder.UseOrleans(silo =>
        {
            // Failure detection can be tuned (Orleans:Membership:ProbeTimeout, NumMissedProbesLimit, ...).
            silo.Services.Configure<ClusterMembershipOptions>(builder.Configuration.GetSection("Orleans:Membership"));
            silo.Services.Configure<SiloMessagingOptions>(builder.Configuration.GetSection("Orleans:Messaging"));
            silo.Configure<ClusterOptions>(cluster.Identify);
            silo.ConfigureEndpoints(
                string.IsNullOrEmpty(cluster.AdvertisedAddress) ? null! : IPAddress.Parse(cluster.AdvertisedAddress),
                cluster.SiloPort,
                cluster.GatewayPort,
                listenOnAnyHostAddress: true);
            silo.UseRedisClustering(o => o.ConfigurationOptions = redis.Clone());
            silo.AddActivityPropagation();
            silo.AddRedisGrainStorage(StorageNames.Repositories, o =>
            {
                o.ConfigurationOptions = redis.Clone();
                o.GrainStorageSerializer = new StateJsonGrainStorageSerializer();

                // State of earlier versions is read until a repository's first write moves it into the journal, then removed.
                o.DeleteStateOnClear = true;
            });
            silo.UseRedisReminderService(o => o.ConfigurationOptions = redis.Clone());
            silo.AddManagementDashboard(builder.Configuration);
        });

        // After the silo: hosted services start in order, and this one calls a grain.
        builder.Services.AddHostedService<SingletonStarter>();
        return builder;
    }
}
