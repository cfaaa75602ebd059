return await ImCells.Bench.BenchCommand.RunAsync(args);
