-- Bot latency by channel: turns, total latency and the median and 95th percentile (ms, interpolated).
SELECT
  c.channel_name AS channel,
  count(*) AS turns,
  sum(t.latency_ms) AS latency_ms_sum,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY t.latency_ms) AS latency_ms_p50,
  percentile_cont(0.95) WITHIN GROUP (ORDER BY t.latency_ms) AS latency_ms_p95
FROM star.fact_turn AS t
JOIN star.dim_channel AS c ON c.channel_key = t.channel_key
GROUP BY c.channel_name
ORDER BY channel
