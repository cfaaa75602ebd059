namespace ImCells.Bench;

/// <summary>Entry point shared by `imcells bench ...` and `dotnet ImCells.Bench.dll ...`.</summary>
public static class BenchCommand
{
    public static Task<int> RunAsync(string[] args)
    {
        Console.Error.WriteLine("usage: imcells bench connections|chat|login ...");
        return Task.FromResult(2);
    }
}
