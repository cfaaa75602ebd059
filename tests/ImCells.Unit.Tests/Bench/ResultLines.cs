using System.Text.Json.Nodes;

namespace ImCells.Unit.Tests.Bench;

/// <summary>Result lines as the benchmarks publish them (parsed from JSON, as a script would see them).</summary>
internal static class ResultLines
{
    public static JsonObject Chat(double p99, bool ok) => Parse($$"""
        {"bench":"chat","load_generator_cpu_seconds":2.52,"load":"open-loop","seconds":10,"ok":{{Bool(ok)}},"step":1,"offered_rate":1000,
         "sent":9999,"acked":9999,"errors":0,"first_error":null,"unanswered":0,"delivered":9999,"delivered_per_s":999.8,
         "lost":0,"duplicates":0,"out_of_order":0,
         "latency":{"samples":9999,"p50_ms":0.43,"p90_ms":6.31,"p95_ms":32.05,"p99_ms":{{p99}},"max_ms":161.59},
         "ack_latency":{"samples":9999,"p50_ms":0.43,"p90_ms":6.52,"p95_ms":33.49,"p99_ms":113.92,"max_ms":164.16},
         "cpu_us_per_msg":{"cell_a":429.1,"load_generator":185},"good":{{Bool(ok)}},"verdict":"{{(ok ? "good" : $"p99 {p99} ms > 100 ms")}}",
         "mode":"same-cell","users":200,"pairs":100,"sender_cell":"a","receiver_cell":"a",
         "register":[{"reused":0,"registered":200,"seconds":0.21,"per_s":959.4},{"reused":0,"registered":0,"seconds":0,"per_s":0}]}
        """);

    public static JsonObject FindMax(int lostInLastStep) => Parse($$"""
        {"bench":"chat","load_generator_cpu_seconds":2.2,"load":"find-max","seconds_per_step":3,"p99_limit_ms":100,
         "max_good_rate":1000,"max_good_delivered_per_s":999.3,"stopped_because":"2 sends unanswered after 5 s grace","ok":true,
         "mode":"cross-cell","users":200,"pairs":100,"register":[{"reused":100,"registered":0,"seconds":0,"per_s":0}],
         "steps":[
           {"step":1,"offered_rate":1000,"delivered":2999,"delivered_per_s":999.3,"errors":0,"unanswered":0,"lost":0,"duplicates":0,"out_of_order":0,
            "latency":{"p50_ms":4.21,"p95_ms":73.55,"p99_ms":95.42},"good":true,"verdict":"good"},
           {"step":2,"offered_rate":2000,"delivered":5990,"delivered_per_s":1991.9,"errors":0,"unanswered":2,"lost":{{lostInLastStep}},"duplicates":0,"out_of_order":0,
            "latency":{"p50_ms":13.47,"p95_ms":92.58,"p99_ms":138.07},"good":false,"verdict":"2 sends unanswered after 5 s grace"}]}
        """);

    public static JsonObject Connections(int held, int rssPerConnection) => Parse($$"""
        {"bench":"connections","load_generator_cpu_seconds":5.43,"cell":"a","count":100,"load_processes":1,"hold_seconds":2,
         "register":{"reused":100,"registered":0,"seconds":0,"per_s":0},"logins_ok":100,"logins_failed":0,"logins_per_s":1151.4,
         "connects_ok":100,"connects_failed":0,"connects_per_s":334.4,"first_error":null,"held_at_end":{{held}},
         "server_connections_added":100,"per_connection":{"rss_bytes":{{rssPerConnection}},"managed_heap_bytes":8807},
         "target_rss_bytes_per_connection":8192}
        """);

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    private static string Bool(bool value) => value ? "true" : "false";
}
