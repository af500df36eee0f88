-- Bot latency by channel: turns, total latency and the median and 95th percentile (ms, interpolated).
SELECT
  channel,
  count(*) AS turns,
  sum(latency_ms) AS latency_ms_sum,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS latency_ms_p50,
  percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS latency_ms_p95
FROM raw.turns
GROUP BY channel
ORDER BY channel
