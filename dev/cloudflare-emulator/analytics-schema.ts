/**
 * The emulator's slice of Cloudflare's GraphQL Analytics schema, in SDL: the entry points,
 * three datasets and their filter, order and row types, named and shaped as Cloudflare's own
 * (lowercase `viewer`/`zone`/`account`, `string`/`Date`/`Time`/`uint64` scalars, `…Filter_InputObject`,
 * `…OrderBy` enums with `_ASC`/`_DESC`). Descriptions are ours.
 */

/** The schema, as SDL. */
export const ANALYTICS_SDL = `
"""String, as Cloudflare's schema names it."""
scalar string
"""A date, YYYY-MM-DD."""
scalar Date
"""A time, ISO 8601 (RFC 3339)."""
scalar Time
scalar uint64
scalar float64

type Query {
  viewer: viewer
}

"""Analytics of the zones and accounts the token can read."""
type viewer {
  """Account-scoped datasets."""
  accounts(filter: AccountFilter_InputObject!, limit: uint64): [account!]!
  """Zone-scoped datasets."""
  zones(filter: ZoneFilter_InputObject!, limit: uint64): [zone!]!
}

input AccountFilter_InputObject { accountTag: string accountTag_in: [string!] }
input ZoneFilter_InputObject { zoneTag: string zoneTag_in: [string!] }

type zone {
  zoneTag: string!
  """HTTP requests to the zone, rolled up by day: requests, bytes, page views, threats, unique visitors."""
  httpRequests1dGroups(limit: uint64!, filter: ZoneHttpRequests1dGroupsFilter_InputObject, orderBy: [ZoneHttpRequests1dGroupsOrderBy!]): [ZoneHttpRequests1dGroups!]!
  """HTTP requests with adaptive sampling, grouped by the dimensions asked for (country, host, status, date): count, bytes, visits."""
  httpRequestsAdaptiveGroups(limit: uint64!, filter: ZoneHttpRequestsAdaptiveGroupsFilter_InputObject, orderBy: [ZoneHttpRequestsAdaptiveGroupsOrderBy!]): [ZoneHttpRequestsAdaptiveGroups!]!
}

input ZoneHttpRequestsAdaptiveGroupsFilter_InputObject {
  date: Date date_geq: Date date_gt: Date date_leq: Date date_lt: Date
  datetime_geq: Time datetime_leq: Time
  clientCountryName: string clientCountryName_in: [string!] clientCountryName_neq: string
  edgeResponseStatus: uint64 edgeResponseStatus_geq: uint64 edgeResponseStatus_lt: uint64
  AND: [ZoneHttpRequestsAdaptiveGroupsFilter_InputObject!] OR: [ZoneHttpRequestsAdaptiveGroupsFilter_InputObject!]
}

enum ZoneHttpRequestsAdaptiveGroupsOrderBy { count_ASC count_DESC date_ASC date_DESC clientCountryName_ASC clientCountryName_DESC sum_edgeResponseBytes_ASC sum_edgeResponseBytes_DESC sum_visits_ASC sum_visits_DESC }

type ZoneHttpRequestsAdaptiveGroups {
  """Requests (sampled and scaled)."""
  count: uint64!
  dimensions: ZoneHttpRequestsAdaptiveGroupsDimensions
  sum: ZoneHttpRequestsAdaptiveGroupsSum
}
type ZoneHttpRequestsAdaptiveGroupsDimensions {
  date: Date!
  """ISO 3166 alpha-2 code of the visitor's country."""
  clientCountryName: string!
  clientRequestHTTPHost: string!
  edgeResponseStatus: uint64!
}
type ZoneHttpRequestsAdaptiveGroupsSum { edgeResponseBytes: uint64! visits: uint64! }

input ZoneHttpRequests1dGroupsFilter_InputObject {
  date: Date date_geq: Date date_gt: Date date_leq: Date date_lt: Date date_neq: Date date_in: [Date!]
  AND: [ZoneHttpRequests1dGroupsFilter_InputObject!] OR: [ZoneHttpRequests1dGroupsFilter_InputObject!]
}

enum ZoneHttpRequests1dGroupsOrderBy { date_ASC date_DESC sum_requests_ASC sum_requests_DESC sum_bytes_ASC sum_bytes_DESC sum_threats_ASC sum_threats_DESC sum_pageViews_ASC sum_pageViews_DESC uniq_uniques_ASC uniq_uniques_DESC }

type ZoneHttpRequests1dGroups {
  dimensions: ZoneHttpRequests1dGroupsDimensions
  sum: ZoneHttpRequests1dGroupsSum
  uniq: ZoneHttpRequests1dGroupsUniq
}
type ZoneHttpRequests1dGroupsDimensions { date: Date! }
type ZoneHttpRequests1dGroupsSum {
  """Requests served."""
  requests: uint64!
  """Bytes served."""
  bytes: uint64!
  cachedRequests: uint64!
  cachedBytes: uint64!
  """Requests blocked or challenged as threats."""
  threats: uint64!
  pageViews: uint64!
}
type ZoneHttpRequests1dGroupsUniq {
  """Unique visitor IPs."""
  uniques: uint64!
}

type account {
  accountTag: string!
  """Workers invocations with adaptive sampling: requests, errors, subrequests and CPU time per script."""
  workersInvocationsAdaptive(limit: uint64!, filter: AccountWorkersInvocationsAdaptiveFilter_InputObject, orderBy: [AccountWorkersInvocationsAdaptiveOrderBy!]): [AccountWorkersInvocationsAdaptive!]!
}

input AccountWorkersInvocationsAdaptiveFilter_InputObject {
  date: Date date_geq: Date date_gt: Date date_leq: Date date_lt: Date
  datetime_geq: Time datetime_leq: Time
  scriptName: string scriptName_in: [string!] scriptName_neq: string
  AND: [AccountWorkersInvocationsAdaptiveFilter_InputObject!] OR: [AccountWorkersInvocationsAdaptiveFilter_InputObject!]
}

enum AccountWorkersInvocationsAdaptiveOrderBy { date_ASC date_DESC scriptName_ASC scriptName_DESC sum_requests_ASC sum_requests_DESC sum_errors_ASC sum_errors_DESC sum_subrequests_ASC sum_subrequests_DESC }

type AccountWorkersInvocationsAdaptive {
  dimensions: AccountWorkersInvocationsAdaptiveDimensions
  sum: AccountWorkersInvocationsAdaptiveSum
  quantiles: AccountWorkersInvocationsAdaptiveQuantiles
}
type AccountWorkersInvocationsAdaptiveDimensions { scriptName: string! date: Date! }
type AccountWorkersInvocationsAdaptiveSum {
  """Invocations."""
  requests: uint64!
  """Invocations that threw or exceeded a limit."""
  errors: uint64!
  subrequests: uint64!
}
type AccountWorkersInvocationsAdaptiveQuantiles { cpuTimeP50: float64! cpuTimeP99: float64! }
`;
