using System.Text.RegularExpressions;
using K8sWebhookHandler.Grains.Kubernetes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Configuration;

/// <summary>
/// Finds settings that can never work before anything starts, as one line each saying what to set: a failed
/// validation, a value of the wrong type (with the expected format), a cluster that cannot be reached by
/// configuration. The programs print these lines and exit instead of starting half-way.
/// </summary>
public static partial class StartupCheck
{
    /// <param name="configuration">The program's configuration.</param>
    /// <param name="receivesWebhooks">The Api: a webhook secret is required.</param>
    /// <param name="runsGrains">Local mode or a silo: the Kubernetes target must be usable.</param>
    /// <param name="joinsCluster">A silo, or the Api in cluster mode: <c>Handler:Cluster</c> must name Redis.</param>
    public static IReadOnlyList<string> Problems(IConfiguration configuration, bool receivesWebhooks, bool runsGrains, bool joinsCluster)
    {
        HandlerOptions options;
        try
        {
            using var provider = new ServiceCollection().AddHandlerOptions(configuration, receivesWebhooks).BuildServiceProvider();
            options = provider.GetRequiredService<IOptions<HandlerOptions>>().Value;
        }
        catch (OptionsValidationException e)
        {
            return e.Failures.ToList();
        }
        catch (InvalidOperationException e) when (ConversionProblem(e) is { } problem)
        {
            return [problem];
        }

        var problems = new List<string>();
        if (joinsCluster && (configuration.GetSection(ClusterSettings.Section).Get<ClusterSettings>() ?? new ClusterSettings()).Problem() is { } cluster)
        {
            problems.Add(cluster);
        }

        if (runsGrains && KubernetesTarget.ConfigurationProblem(options, configuration) is { } target)
        {
            problems.Add(target);
        }

        return problems;
    }

    /// <summary>The line for a setting whose text is not of its type, or null when the exception is something else.</summary>
    public static string? ConversionProblem(Exception e)
    {
        var match = Conversion().Match(e.Message);
        if (!match.Success)
        {
            return null;
        }

        var (value, path, type) = (match.Groups["value"].Value, match.Groups["path"].Value, match.Groups["type"].Value);
        var expected = type switch
        {
            "System.TimeSpan" => "a time span written [d.]hh:mm:ss[.fff], e.g. 00:00:05 or 3.00:00:00",
            "System.Int32" or "System.Int64" or "System.Nullable`1[System.Int32]" => "a whole number",
            "System.Boolean" or "System.Nullable`1[System.Boolean]" => "true or false",
            _ when Type.GetType(type) is { IsEnum: true } enumType => "one of " + string.Join(", ", Enum.GetNames(enumType)),
            _ => type,
        };
        return $"{path} is '{value}', which is not {expected}: set it to {expected}.";
    }

    [GeneratedRegex("Failed to convert configuration value '(?<value>.*)' at '(?<path>[^']+)' to type '(?<type>[^']+)'", RegexOptions.Singleline)]
    private static partial Regex Conversion();
}
