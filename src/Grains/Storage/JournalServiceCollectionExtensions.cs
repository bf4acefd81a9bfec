using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace K8sWebhookHandler.Grains.Storage;

public static class JournalServiceCollectionExtensions
{
    /// <summary>The file the local mode's journal is kept in, under the data directory.</summary>
    public const string LocalJournalFile = "journal.db";

    /// <summary>The local mode's journal: one SQLite database at <paramref name="path"/>, committed in groups.</summary>
    public static IServiceCollection AddSqliteJournal(this IServiceCollection services, Func<IServiceProvider, string> path)
    {
        services.AddSingleton(sp => SqliteJournalStore.Open(path(sp)));
        services.AddSingleton<IJournalStore>(sp => sp.GetRequiredService<SqliteJournalStore>());
        return services;
    }

    /// <summary>
    /// The cluster's journal in Redis, under <paramref name="prefix"/> (the cluster's service id). Commands that
    /// get no answer fail after <see cref="ConfigurationOptions.AsyncTimeout"/>; a Redis that is down at start-up is
    /// connected to when it comes.
    /// </summary>
    public static IServiceCollection AddRedisJournal(this IServiceCollection services, ConfigurationOptions redis, string prefix)
    {
        services.AddSingleton<IJournalStore>(_ =>
        {
            var options = redis.Clone();
            options.AbortOnConnectFail = false;
            return new RedisJournalStore(ConnectionMultiplexer.Connect(options), prefix);
        });
        return services;
    }
}
