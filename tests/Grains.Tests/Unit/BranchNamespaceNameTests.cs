using System.Text.RegularExpressions;
using K8sWebhookHandler.Grains.Kubernetes;
using K8sWebhookHandler.Grains.Processing;

namespace K8sWebhookHandler.Grains.Tests.Unit;

/// <summary>
/// The namespace name a branch gets from <c>Handler:BranchNamespaces:Template</c>: folded into a DNS label, and hashed
/// when it would be too long or the branch would add nothing of its own to the name.
/// </summary>
public sealed partial class BranchNamespaceNameTests
{
    private const string Template = "ci-{branch}";

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex NamespaceName();

    [Theory]
    [InlineData("main", "ci-main")]
    [InlineData("Feature/Login_Page", "ci-feature-login-page")]
    [InlineData("feat/x", "ci-feat-x")]
    [InlineData("feat.x", "ci-feat-x")]
    [InlineData("feat_x", "ci-feat-x")]
    [InlineData("FEAT/X", "ci-feat-x")]
    [InlineData("-feat--x-", "ci-feat-x")]
    [InlineData("release/1.2.3+build", "ci-release-1-2-3-build")]
    public void ShortBranch_IsFoldedIntoADnsLabel_WithoutAHash(string branch, string expected)
    {
        Assert.Equal(expected, BranchNamespaceName.For(Template, branch));
    }

    [Fact]
    public void NameOfExactly63Characters_IsKept_OneMoreIsHashed()
    {
        var fits = BranchNamespaceName.For(Template, new string('a', 60));
        var over = BranchNamespaceName.For(Template, new string('a', 61));

        Assert.Equal("ci-" + new string('a', 60), fits);
        Assert.Equal("ci-" + new string('a', 49) + "-" + "qc5z1jwth5", over);
    }

    [Fact]
    public void LongName_KeepsAReadablePrefixAndEndsInAHashOfTheWholeName()
    {
        var name = BranchNamespaceName.For(Template, "feature/JIRA-1234-make-the-login-page-remember-the-last-user-who-signed-in");

        Assert.Equal("ci-feature-jira-1234-make-the-login-page-remember-th-j7hhubttyo", name);
        Assert.Matches(NamespaceName(), name);
    }

    [Fact]
    public void LongNames_ThatDifferOnlyPastThePrefix_OrOnlyInFoldedCharacters_GetDifferentNames()
    {
        var stem = "feature/" + new string('x', 60);
        string[] branches = [stem + "-one", stem + "-two", stem.Replace('/', '.') + "-one"];

        var names = branches.Select(b => BranchNamespaceName.For(Template, b)).ToList();

        Assert.Equal(3, names.Distinct().Count());
        Assert.All(names, n => Assert.Matches(NamespaceName(), n));
        Assert.All(names, n => Assert.StartsWith("ci-feature-" + new string('x', 41) + "-", n, StringComparison.Ordinal));
    }

    [Fact]
    public void LongNames_ThatDifferOnlyInCase_ShareAName_LikeShortOnes()
    {
        var branch = "Feature/" + new string('x', 60);

        Assert.Equal(BranchNamespaceName.For(Template, branch), BranchNamespaceName.For(Template, branch.ToLowerInvariant()));
    }

    [Theory]
    [InlineData("_", "ci-7i1cyrsbco")]
    [InlineData("-", "ci-h7ehzcqyay")]
    [InlineData("+_+", "ci-d4ag3kmbb0")]
    public void BranchWithoutALetterOrDigit_IsHashed_SoItNeverGetsTheTemplatesOwnName(string branch, string expected)
    {
        var name = BranchNamespaceName.For(Template, branch);

        Assert.Equal(expected, name);
        Assert.NotEqual("ci", name);
        Assert.Matches(NamespaceName(), name);
    }

    [Fact]
    public void TruncationEndingInADash_DropsTheDash()
    {
        var name = BranchNamespaceName.For(Template, new string('a', 48) + "/" + new string('b', 30));

        Assert.Equal("ci-" + new string('a', 48) + "-" + "y2sf8r8cvf", name);
    }
}
