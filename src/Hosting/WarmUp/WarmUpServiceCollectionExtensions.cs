using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace K8sWebhookHandler.Hosting.WarmUp;

public static class WarmUpServiceCollectionExtensions
{
    /// <summary>The name of the warm-up's readiness check in <c>/readyz</c>.</summary>
    public const string CheckName = "warm-up";

    /// <summary>
    /// The warm-up (<see cref="WarmUpService"/>) and its readiness check (<see cref="CheckName"/>): not ready until every
    /// step added with <see cref="AddWarmUpStep{TStep}"/> has passed. Adding it twice adds it once.
    /// </summary>
    public static IServiceCollection AddWarmUp(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(WarmUpProgress)))
        {
            return services;
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<WarmUpProgress>();
        services.AddHostedService<WarmUpService>();
        services.AddHealthChecks().AddCheck<WarmUpHealthCheck>(CheckName);
        return services;
    }

    /// <summary>Adds a step to the warm-up, after those added before it; a step type is added once.</summary>
    public static IServiceCollection AddWarmUpStep<TStep>(this IServiceCollection services)
        where TStep : class, IWarmUpStep
    {
        services.AddWarmUp();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IWarmUpStep, TStep>());
        return services;
    }
}
