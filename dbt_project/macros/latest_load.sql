{#- Rows of the newest load only: for sources whose every release replaces the previous one. -#}
{% macro latest_load(cte) %}
    select * from {{ cte }}
    where _load_id = (select max(_load_id) from {{ cte }})
{% endmacro %}
