using K8sWebhookHandler.Grains.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace K8sWebhookHandler.Grains.Storage;

public static class DataDirectoryServiceCollectionExtensions
{
    /// <summary>Binds and validates <see cref="DataDirectoryOptions"/> (<c>Handler:DataDirectory</c>).</summary>
    public static IServiceCollection AddDataDirectory(this IServiceCollection services) =>
        services.AddValidatedOptions<DataDirectoryOptions, DataDirectoryOptionsValidator>(DataDirectoryOptions.Section);
}
