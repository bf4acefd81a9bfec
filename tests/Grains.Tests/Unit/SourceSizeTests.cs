using K8sWebhookHandler.Testing;
using K8sWebhookHandler.Testing.Processes;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>
/// The size limits of the sources (no file over 300 lines, no method over 40), measured by <c>scripts/size-check.sh</c>,
/// the same script a developer runs.
/// </summary>
public sealed class SourceSizeTests
{
    private static readonly TimeSpan SafetyNet = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Sources_StayWithinSizeLimits()
    {
        var result = await SizeCheckAsync(Path.Combine(RepositoryPaths.Root, "src"));

        Assert.True(result.ExitCode == 0, $"scripts/size-check.sh src found sources over the limits:\n{result.StandardOutput}{result.StandardError}");
        Assert.Equal("", result.StandardOutput);
    }

    [Fact]
    public async Task MethodOverFortyLines_IsNamedWithItsFileAndLength()
    {
        using var directory = new TempDirectory();
        var body = string.Concat(Enumerable.Range(0, 39).Select(i => $"        var x{i} = $\"{{string.Join(\", \", \"}}\")}}\";\n"));
        var file = directory.Combine("Long.cs");
        await File.WriteAllTextAsync(file, $"namespace N;\n\npublic sealed class C\n{{\n    [Obsolete(\"x\")]\n    public static (int A, int B) Long(int a = 3)\n    {{\n{body}        return (a, a);\n    }}\n\n    public int Short() => 1;\n}}\n");

        var result = await SizeCheckAsync(directory.Path);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"{file}:6: method Long is 43 lines (limit 40)\n", result.StandardOutput);
    }

    [Fact]
    public async Task FileOverThreeHundredLines_IsNamed()
    {
        using var directory = new TempDirectory();
        var file = directory.Combine("Big.cs");
        await File.WriteAllTextAsync(file, "namespace N;\n" + string.Concat(Enumerable.Range(0, 300).Select(i => $"public sealed class C{i};\n")));

        var result = await SizeCheckAsync(directory.Path);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"{file}:1: file is 301 lines (limit 300)\n", result.StandardOutput);
    }

    private static async Task<CommandResult> SizeCheckAsync(string path)
    {
        using var timeout = new CancellationTokenSource(SafetyNet);
        return await ProcessRunner.RunAsync("bash", [Path.Combine(RepositoryPaths.Root, "scripts", "size-check.sh"), path],
            workingDirectory: RepositoryPaths.Root, cancellationToken: timeout.Token);
    }
}
