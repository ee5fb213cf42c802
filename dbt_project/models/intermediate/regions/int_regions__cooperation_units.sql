-- The non-overlapping units of the Kooperationsraum: the partners at Kreis level (kreisfreie
-- Städte and Landkreise). Partner Gemeinden lie inside them and are never counted again.
with

partners as (
    select * from {{ ref('stg_registry__partners') }}
),

final as (
    select
        partner_ars as unit_ars,
        partner_id,
        '{{ var("cooperation_ars") }}' as cooperation_ars,
    from partners
    where partner_level in ('kreisfreie_stadt', 'landkreis')
)

select * from final
