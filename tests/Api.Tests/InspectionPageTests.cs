using System.Text.RegularExpressions;
using K8sWebhookHandler.Api.Inspection;
using K8sWebhookHandler.Grains.Configuration;
using Microsoft.Extensions.Configuration;

namespace K8sWebhookHandler.Api.Tests;

/// <summary>The inspection page's files travel inside the assembly, and its Argo link template is checked at start.</summary>
public sealed partial class InspectionPageTests
{
    [GeneratedRegex("(?:src|href)=\"(?<path>[^\"#]+)\"")]
    private static partial Regex Reference();

    [Fact]
    public void EveryFileThePageReferences_IsEmbeddedAndServed()
    {
        var assets = new PageAssets();
        var html = System.Text.Encoding.UTF8.GetString(assets["/"].Content);

        var referenced = Reference().Matches(html).Select(m => "/" + m.Groups["path"].Value).ToList();

        Assert.Equal(["/page/app.css", "/page/core.js", "/page/recovery.js", "/page/app.js"], referenced);
        Assert.Equal(PageAssets.Paths.Order(StringComparer.Ordinal), referenced.Append("/").Order(StringComparer.Ordinal));
        Assert.All(referenced, path => Assert.NotEmpty(assets[path].Content));
        Assert.Equal("text/javascript; charset=utf-8", assets["/page/app.js"].ContentType);
    }

    [Theory]
    [InlineData(null, null, "")]
    [InlineData(null, "https://argo.example.com/github/{namespace}/{name}", "https://argo.example.com/github/{namespace}/{name}")]
    [InlineData("https://argo.example.com/page/{namespace}/{name}", "https://argo.example.com/github/{namespace}/{name}", "https://argo.example.com/page/{namespace}/{name}")]
    public void WorkflowUrl_IsTheManagementSetting_ElseGitHubs(string? management, string? github, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Handler:Management:WorkflowUrl"] = management,
            ["Handler:GitHub:WorkflowUrl"] = github,
        }).Build();

        var options = ValidatedOptions.Get<InspectionPageOptions>(configuration, services => services.AddInspectionPage());

        Assert.Equal(expected, options.WorkflowUrl ?? "");
    }

    [Theory]
    [InlineData("https://argo.example.com/{namespace}/{id}", "has the placeholder {id}; only {namespace} and {name} are replaced")]
    [InlineData("javascript:alert(1)//{name}", "must make an absolute https:// or http:// URL")]
    public void WorkflowUrlThePageCannotFillIn_IsRefused(string template, string problem)
    {
        var result = new InspectionPageOptionsValidator().Validate(null, new InspectionPageOptions { WorkflowUrl = template });

        Assert.Equal(
            [$"Handler:Management:WorkflowUrl (or Handler:GitHub:WorkflowUrl, its default) {problem}: set a template such as https://argo.example.com/workflows/{{namespace}}/{{name}}."],
            result.Failures);
    }
}
