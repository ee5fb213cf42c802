-- Every Gemeinde key ever used (today's and ended ones) → the key of today's territory it lies in.
-- Ended keys come from the region_changes seed; chains (A → B → C) are followed up to four steps.
with

changes as (
    select * from {{ ref('region_changes') }}
),

gemeinden as (
    select ars_source as ars from {{ ref('stg_bkg__gemeinden') }}
),

resolved as (
    select
        step1.ars,
        coalesce(
            step4.successor_ars, step3.successor_ars,
            step2.successor_ars, step1.successor_ars
        ) as current_ars,
    from changes as step1
    left join changes as step2 on step2.ars = step1.successor_ars
    left join changes as step3 on step3.ars = step2.successor_ars
    left join changes as step4 on step4.ars = step3.successor_ars
),

final as (
    select ars, ars as current_ars, false as is_ended,
    from gemeinden
    where ars not in (select ars from changes)
    union all
    select ars, current_ars, true as is_ended,
    from resolved
)

select * from final
