-- 8-digit Gemeinde keys (AGS, as statistical tables publish them) → 12-digit ARS, for today's
-- Gemeinden and for keys that ended in a territorial change.
with

gemeinden as (
    select ags, ars_source as ars from {{ ref('stg_bkg__gemeinden') }}
),

changes as (
    select left(ars, 5) || right(ars, 3) as ags, ars from {{ ref('region_changes') }}
),

final as (
    select ags, ars from gemeinden
    union
    select ags, ars from changes
)

select * from final
