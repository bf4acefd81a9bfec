using System.Runtime.InteropServices;
using LibGit2Sharp;

namespace K8sWebhookHandler.Grains.Git;

/// <summary>
/// libgit2's socket timeouts, which LibGit2Sharp does not expose: <c>git_libgit2_opts</c> with
/// <c>GIT_OPT_SET_SERVER_CONNECT_TIMEOUT</c> and <c>GIT_OPT_SET_SERVER_TIMEOUT</c> (libgit2 1.7 and later; the option
/// numbers are those of <c>git2/common.h</c> from 1.7.0 through 1.9). They bound every connect and every read or
/// write on a socket, for git://, http:// and https:// alike, which is what ends a fetch from a server that accepts
/// and then says nothing: no progress callback runs while libgit2 waits on a socket. They are process-wide
/// settings of the native library.
/// </summary>
internal static class LibGit2Timeouts
{
    private const int SetServerConnectTimeout = 39;
    private const int GetServerConnectTimeout = 40;
    private const int SetServerTimeout = 41;
    private const int GetServerTimeout = 42;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int SetIntOption(int option, int value);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int GetIntOption(int option, out int value);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int GetVersion(out int major, out int minor, out int revision);

    /// <summary>Sets both timeouts; null when done, otherwise why they could not be set (the fetch deadline still holds).</summary>
    public static string? TryApply(TimeSpan connect, TimeSpan readWrite)
    {
        try
        {
            if (Problem() is { } problem)
            {
                return problem;
            }

            var opts = Marshal.GetDelegateForFunctionPointer<SetIntOption>(Export("git_libgit2_opts"));
            return opts(SetServerConnectTimeout, Milliseconds(connect)) == 0 && opts(SetServerTimeout, Milliseconds(readWrite)) == 0
                ? null
                : "git_libgit2_opts refused the server timeouts";
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return $"libgit2 could not be called: {e.Message}";
        }
    }

    /// <summary>The timeouts libgit2 holds now, in milliseconds; null when they cannot be read.</summary>
    public static (int Connect, int ReadWrite)? Read()
    {
        if (Problem() is not null)
        {
            return null;
        }

        var opts = Marshal.GetDelegateForFunctionPointer<GetIntOption>(Export("git_libgit2_opts"));
        return opts(GetServerConnectTimeout, out var connect) == 0 && opts(GetServerTimeout, out var readWrite) == 0
            ? (connect, readWrite)
            : null;
    }

    private static int Milliseconds(TimeSpan value) => (int)Math.Clamp(value.TotalMilliseconds, 1, int.MaxValue);

    /// <summary>Why the options cannot be used here: another libgit2, or a platform whose variadic calls differ.</summary>
    private static string? Problem()
    {
        // On Apple silicon variadic arguments go on the stack, not in registers: a plain call would pass garbage.
        if (OperatingSystem.IsMacOS() && RuntimeInformation.ProcessArchitecture == Architecture.Arm64)
        {
            return "libgit2 server timeouts are not set on macOS arm64";
        }

        var version = Marshal.GetDelegateForFunctionPointer<GetVersion>(Export("git_libgit2_version"));
        version(out var major, out var minor, out var revision);
        return major == 1 && minor is >= 7 and <= 9
            ? null
            : $"libgit2 {major}.{minor}.{revision} is not one whose option numbers are known (1.7 to 1.9)";
    }

    /// <summary>
    /// A function of the libgit2 that LibGit2Sharp loaded. Asking LibGit2Sharp for its version loads and initialises
    /// the library first; loading it again by the same name for LibGit2Sharp's assembly yields the same module.
    /// </summary>
    private static IntPtr Export(string name)
    {
        var sha = GlobalSettings.Version.LibGit2CommitSha;
        var library = NativeLibrary.Load("git2-" + sha[..7], typeof(Repository).Assembly, searchPath: null);
        return NativeLibrary.GetExport(library, name);
    }
}
