using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Configuration;

/// <summary>
/// Finds settings that can never work before anything starts, as one line each saying what to set: a failed
/// validation of any subsystem's options, a value of the wrong type (with the expected format), a cluster that cannot
/// be reached by configuration. The programs print these lines and exit instead of starting half-way.
/// </summary>
public static partial class StartupCheck
{
    /// <param name="configuration">The program's configuration.</param>
    /// <param name="addServices">
    /// What the program registers whose options are validated at start (each subsystem's <c>AddX()</c>): exactly the
    /// settings it will read, checked by the validators it will run.
    /// </param>
    public static IReadOnlyList<string> Problems(IConfiguration configuration, Action<IServiceCollection> addServices)
    {
        using var provider = ValidatedOptions.Provider(configuration, addServices);
        try
        {
            provider.GetService<IStartupValidator>()?.Validate();
            return [];
        }
        catch (OptionsValidationException e)
        {
            return e.Failures.ToList();
        }
        catch (AggregateException e) when (e.InnerExceptions.All(i => i is OptionsValidationException))
        {
            return e.InnerExceptions.Cast<OptionsValidationException>().SelectMany(i => i.Failures).ToList();
        }
        catch (InvalidOperationException e) when (ConversionProblem(e) is { } problem)
        {
            return [problem];
        }
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
