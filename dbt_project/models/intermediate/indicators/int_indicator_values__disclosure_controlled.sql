{#-
    Statistical disclosure control for personal indicators (is_personal in the catalogue).
    Primary: a count of 1 or 2 is suppressed. Secondary: in every additive group (a total and the
    members that sum to it, int_regions__disclosure_groups) whose total is published, a single
    suppressed member could be recovered by differencing, so the smallest published member is
    suppressed too (or the total, if no member is left). Repeated, as a new suppression may expose
    a cell in another group. Rates of a personal count follow their numerator's suppression.
-#}
{% set passes = 4 %}
with

indicator_values as (
    select * from {{ ref('int_indicator_values__unioned') }}
),

catalogue as (
    select indicator_id, is_personal, numerator_indicator_id,
    from {{ ref('indicator_catalogue') }}
),

groups as (
    select * from {{ ref('int_regions__disclosure_groups') }}
),

totals as (
    select distinct total_ars from groups
),

pass_0 as (
    select
        indicator_values.region_ars,
        indicator_values.indicator_id,
        indicator_values.period_start,
        indicator_values.value,
        case when indicator_values.value in (1, 2) then 'primary_suppression' end as quality_flag,
    from indicator_values
    inner join catalogue using (indicator_id)
    where catalogue.is_personal and catalogue.numerator_indicator_id is null
),
{% for i in range(1, passes + 1) %}
members_{{ i }} as (
    select
        groups.total_ars,
        groups.member_ars,
        groups.member_ars in (select total_ars from totals) as member_is_total,
        cells.indicator_id,
        cells.period_start,
        cells.value,
        cells.quality_flag,
    from groups
    inner join pass_{{ i - 1 }} as cells on cells.region_ars = groups.member_ars
),

exposed_{{ i }} as (
    select members.total_ars, members.indicator_id, members.period_start,
    from members_{{ i }} as members
    inner join pass_{{ i - 1 }} as total
        on total.region_ars = members.total_ars
        and total.indicator_id = members.indicator_id
        and total.period_start = members.period_start
    where total.quality_flag is null
    group by all
    having count(*) filter (where members.quality_flag is not null) = 1
),

candidates_{{ i }} as (
    select members.member_ars as region_ars, members.indicator_id, members.period_start,
        members.total_ars, members.member_is_total, members.value,
    from exposed_{{ i }} as exposed
    inner join members_{{ i }} as members using (total_ars, indicator_id, period_start)
    where members.quality_flag is null
    union all
    select total_ars, indicator_id, period_start, total_ars, true, null,
    from exposed_{{ i }}
),

picked_{{ i }} as (
    select distinct region_ars, indicator_id, period_start,
    from candidates_{{ i }}
    qualify row_number() over (
        partition by total_ars, indicator_id, period_start
        order by member_is_total, region_ars = total_ars, value, region_ars
    ) = 1
),

pass_{{ i }} as (
    select
        cells.* exclude (quality_flag),
        coalesce(
            cells.quality_flag,
            case when picked.region_ars is not null then 'secondary_suppression' end
        ) as quality_flag,
    from pass_{{ i - 1 }} as cells
    left join picked_{{ i }} as picked using (region_ars, indicator_id, period_start)
),
{% endfor %}

counts as (
    select * from pass_{{ passes }}
),

final as (
    select
        indicator_values.* exclude (value, numerator, denominator),
        coalesce(own.quality_flag, numerator_cell.quality_flag) as quality_flag,
        coalesce(own.quality_flag, numerator_cell.quality_flag) is not null
            as is_suppressed,
        case when not is_suppressed then indicator_values.value end as value,
        case when not is_suppressed then indicator_values.numerator end as numerator,
        case when not is_suppressed then indicator_values.denominator end as denominator,
    from indicator_values
    inner join catalogue using (indicator_id)
    left join counts as own
        on own.region_ars = indicator_values.region_ars
        and own.indicator_id = indicator_values.indicator_id
        and own.period_start = indicator_values.period_start
    left join counts as numerator_cell
        on numerator_cell.region_ars = indicator_values.region_ars
        and numerator_cell.indicator_id = catalogue.numerator_indicator_id
        and numerator_cell.period_start = indicator_values.period_start
        and catalogue.is_personal
)

select * from final
