-- Disclosure control: in no additive group (total and its members) can a suppressed cell be
-- recovered by differencing — no published total with exactly one suppressed member, and no
-- suppressed total whose complete set of members is published. Rows returned are failures.
with

indicator_values as (
    select * from {{ ref('fct_indicator_value') }}
),

groups as (
    select * from {{ ref('int_regions__disclosure_groups') }}
),

personal_counts as (
    select indicator_id from {{ ref('dim_indicator') }}
    where is_personal and numerator_indicator_id is null
),

group_sizes as (
    select total_ars, count(*) as n_members, from groups group by all
),

members as (
    select
        groups.total_ars,
        cells.indicator_id,
        cells.period_start,
        count(*) as n_present,
        count(*) filter (where cells.is_suppressed) as n_suppressed,
    from groups
    inner join indicator_values as cells on cells.region_ars = groups.member_ars
    where cells.indicator_id in (select indicator_id from personal_counts)
    group by all
)

select members.*, total.is_suppressed as total_suppressed,
from members
inner join group_sizes using (total_ars)
inner join indicator_values as total
    on total.region_ars = members.total_ars
    and total.indicator_id = members.indicator_id
    and total.period_start = members.period_start
where (not total.is_suppressed and members.n_suppressed = 1)
    or (
        total.is_suppressed
        and members.n_suppressed = 0
        and members.n_present = group_sizes.n_members
    )
